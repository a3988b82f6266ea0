package locales_test

import (
	"runtime"
	"testing"

	"github.com/puente-bot/puente/locales"
)

// BenchmarkLoad loads the shipped catalogue and reports, besides the time and
// allocations of loading, the live heap the loaded catalogue keeps (after a
// collection, with it still reachable): what every process that speaks to
// people pays for it at rest.
func BenchmarkLoad(b *testing.B) {
	var ms runtime.MemStats
	var held uint64
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		b.StartTimer()
		c, err := locales.Load()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		held = ms.HeapAlloc - before
		runtime.KeepAlive(c)
		b.StartTimer()
	}
	b.ReportMetric(float64(held), "held-B")
}
