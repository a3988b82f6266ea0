package metrics

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"time"
)

// goFamilies are the Go runtime's metrics, under the names and help the Prometheus client
// gave them. Each is the sum of the runtime/metrics values named in from, read in one
// metrics.Read per scrape, which does not stop the world as runtime.ReadMemStats does.
// go_gc_duration_seconds, go_memstats_last_gc_time_seconds and go_threads have no
// runtime/metrics source: goRuntime reads them as the client did, from debug.ReadGCStats
// and runtime.ThreadCreateProfile, neither of which stops the world.
var goFamilies = []struct {
	name, kind, help string
	from             []string
}{
	{"go_gc_gogc_percent", "gauge", "Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function. Sourced from /gc/gogc:percent.",
		[]string{"/gc/gogc:percent"}},
	{"go_gc_gomemlimit_bytes", "gauge", "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function. Sourced from /gc/gomemlimit:bytes.",
		[]string{"/gc/gomemlimit:bytes"}},
	{"go_goroutines", "gauge", "Number of goroutines that currently exist.",
		[]string{"/sched/goroutines:goroutines"}},
	{"go_memstats_alloc_bytes", "gauge", "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes.",
		[]string{"/memory/classes/heap/objects:bytes"}},
	{"go_memstats_alloc_bytes_total", "counter", "Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes.",
		[]string{"/gc/heap/allocs:bytes"}},
	{"go_memstats_buck_hash_sys_bytes", "gauge", "Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes.",
		[]string{"/memory/classes/profiling/buckets:bytes"}},
	{"go_memstats_frees_total", "counter", "Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects.",
		[]string{"/gc/heap/frees:objects", "/gc/heap/tiny/allocs:objects"}},
	{"go_memstats_gc_sys_bytes", "gauge", "Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes.",
		[]string{"/memory/classes/metadata/other:bytes"}},
	{"go_memstats_heap_alloc_bytes", "gauge", "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes.",
		[]string{"/memory/classes/heap/objects:bytes"}},
	{"go_memstats_heap_idle_bytes", "gauge", "Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.",
		[]string{"/memory/classes/heap/released:bytes", "/memory/classes/heap/free:bytes"}},
	{"go_memstats_heap_inuse_bytes", "gauge", "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes",
		[]string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes"}},
	{"go_memstats_heap_objects", "gauge", "Number of currently allocated objects. Equals to /gc/heap/objects:objects.",
		[]string{"/gc/heap/objects:objects"}},
	{"go_memstats_heap_released_bytes", "gauge", "Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes.",
		[]string{"/memory/classes/heap/released:bytes"}},
	{"go_memstats_heap_sys_bytes", "gauge", "Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.",
		[]string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes", "/memory/classes/heap/released:bytes", "/memory/classes/heap/free:bytes"}},
	{"go_memstats_mallocs_total", "counter", "Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects.",
		[]string{"/gc/heap/allocs:objects", "/gc/heap/tiny/allocs:objects"}},
	{"go_memstats_mcache_inuse_bytes", "gauge", "Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes.",
		[]string{"/memory/classes/metadata/mcache/inuse:bytes"}},
	{"go_memstats_mcache_sys_bytes", "gauge", "Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes.",
		[]string{"/memory/classes/metadata/mcache/inuse:bytes", "/memory/classes/metadata/mcache/free:bytes"}},
	{"go_memstats_mspan_inuse_bytes", "gauge", "Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes.",
		[]string{"/memory/classes/metadata/mspan/inuse:bytes"}},
	{"go_memstats_mspan_sys_bytes", "gauge", "Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes.",
		[]string{"/memory/classes/metadata/mspan/inuse:bytes", "/memory/classes/metadata/mspan/free:bytes"}},
	{"go_memstats_next_gc_bytes", "gauge", "Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes.",
		[]string{"/gc/heap/goal:bytes"}},
	{"go_memstats_other_sys_bytes", "gauge", "Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes.",
		[]string{"/memory/classes/other:bytes"}},
	{"go_memstats_stack_inuse_bytes", "gauge", "Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes.",
		[]string{"/memory/classes/heap/stacks:bytes"}},
	{"go_memstats_stack_sys_bytes", "gauge", "Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes.",
		[]string{"/memory/classes/heap/stacks:bytes", "/memory/classes/os-stacks:bytes"}},
	{"go_memstats_sys_bytes", "gauge", "Number of bytes obtained from system. Equals to /memory/classes/total:byte.",
		[]string{"/memory/classes/total:bytes"}},
	{"go_sched_gomaxprocs_threads", "gauge", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously. Sourced from /sched/gomaxprocs:threads.",
		[]string{"/sched/gomaxprocs:threads"}},
}

// goSources are the runtime/metrics names goFamilies read, each once, and where each is
// in a scrape's samples.
var goSources, goSourceIndex = func() ([]string, map[string]int) {
	var names []string
	index := map[string]int{}
	for _, f := range goFamilies {
		for _, name := range f.from {
			if _, ok := index[name]; !ok {
				index[name] = len(names)
				names = append(names, name)
			}
		}
	}
	return names, index
}()

func goRuntimeNames() []string {
	names := []string{"go_info", "go_gc_duration_seconds", "go_memstats_last_gc_time_seconds", "go_threads"}
	for _, f := range goFamilies {
		names = append(names, f.name)
	}
	return names
}

// goRuntime serves goFamilies, go_info (the Go version the program was built with), the
// garbage collector's pauses and the OS threads made.
type goRuntime struct{}

func (goRuntime) collect(fams []family) []family {
	samples := make([]metrics.Sample, len(goSources))
	for i, name := range goSources {
		samples[i].Name = name
	}
	metrics.Read(samples)
	fams = append(fams, family{name: "go_info", help: "Information about the Go environment.", kind: "gauge",
		label: "version", samples: []sample{{labelValue: runtime.Version(), value: 1}}})
	fams = appendGCStats(fams)
	threads, _ := runtime.ThreadCreateProfile(nil)
	fams = append(fams, family{name: "go_threads", help: "Number of OS threads created.", kind: "gauge", samples: []sample{{value: float64(threads)}}})
next:
	for _, f := range goFamilies {
		var sum float64
		for _, name := range f.from {
			v := samples[goSourceIndex[name]].Value
			if v.Kind() != metrics.KindUint64 {
				continue next // not in this Go version: leave the family out rather than serve a wrong sum
			}
			sum += float64(v.Uint64())
		}
		fams = append(fams, family{name: f.name, help: f.help, kind: f.kind, samples: []sample{{value: sum}}})
	}
	return fams
}

// appendGCStats adds the stop-the-world pauses of garbage collection as a summary (the
// minimum, quartiles and maximum of the recent pauses, their total and count) and the end
// of the last collection.
func appendGCStats(fams []family) []family {
	stats := debug.GCStats{PauseQuantiles: make([]time.Duration, 5)}
	debug.ReadGCStats(&stats)
	samples := make([]sample, 0, len(stats.PauseQuantiles)+2)
	for i, q := range stats.PauseQuantiles {
		quantile := strconv.FormatFloat(float64(i)/float64(len(stats.PauseQuantiles)-1), 'g', -1, 64)
		samples = append(samples, sample{labelValue: quantile, value: q.Seconds()})
	}
	samples = append(samples, sample{suffix: "_sum", value: stats.PauseTotal.Seconds()}, sample{suffix: "_count", value: float64(stats.NumGC)})
	var last float64
	if !stats.LastGC.IsZero() {
		last = float64(stats.LastGC.UnixNano()) / 1e9
	}
	return append(fams,
		family{name: "go_gc_duration_seconds", help: "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.",
			kind: "summary", label: "quantile", samples: samples},
		family{name: "go_memstats_last_gc_time_seconds", help: "Number of seconds since 1970 of last garbage collection.",
			kind: "gauge", samples: []sample{{value: last}}})
}
