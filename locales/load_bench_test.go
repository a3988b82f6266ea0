package locales_test

import (
	"runtime"
	"testing"

	"github.com/puente-bot/puente/locales"
)

// BenchmarkLoad loads the shipped catalogue and reports, besides the time and
// allocations of loading, the live heap the loaded catalogue keeps (after a
// collection, with it still reachable): what every process that speaks to
// people pays for it at rest. held-B is the bytes of its objects; inuse-B the
// heap's pages they occupy, which is what the process cannot return to the
// system: a page is returned only when nothing on it is kept.
func BenchmarkLoad(b *testing.B) {
	var ms runtime.MemStats
	var held, inuse uint64
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before, beforeInuse := ms.HeapAlloc, ms.HeapInuse
		b.StartTimer()
		c, err := locales.Load()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		held, inuse = ms.HeapAlloc-before, ms.HeapInuse-beforeInuse
		runtime.KeepAlive(c)
		b.StartTimer()
	}
	b.ReportMetric(float64(held), "held-B")
	b.ReportMetric(float64(inuse), "inuse-B")
}
