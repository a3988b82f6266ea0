package metrics

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// userHZ is the unit of the clock ticks in /proc/PID/stat: USER_HZ, 100 on every Linux
// architecture Go runs on (the kernel converts its own HZ to it for user space).
const userHZ = 100

func processNames() []string {
	return []string{"process_cpu_seconds_total", "process_max_fds", "process_open_fds", "process_resident_memory_bytes",
		"process_start_time_seconds", "process_virtual_memory_bytes", "process_virtual_memory_max_bytes"}
}

// process serves the process's own figures under the Prometheus client's names, read at
// each scrape from /proc/self/stat (CPU time, resident and virtual size), /proc/self/fd
// (open files) and getrlimit (the limits); the start time is read once, from
// /proc/self/stat and the boot time in /proc/stat. A figure that cannot be read is left out.
type process struct{}

func (process) collect(fams []family) []family {
	gauge := func(name, help string, v float64) {
		fams = append(fams, family{name: name, help: help, kind: "gauge", samples: []sample{{value: v}}})
	}
	if st, err := readStat(); err == nil {
		fams = append(fams, family{name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.",
			kind: "counter", samples: []sample{{value: float64(st.utime+st.stime) / userHZ}}})
		gauge("process_resident_memory_bytes", "Resident memory size in bytes.", float64(st.rss*uint64(os.Getpagesize())))
		gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", float64(st.vsize))
	}
	if start, err := startTime(); err == nil {
		gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", start)
	}
	if n, err := openFDs(); err == nil {
		gauge("process_open_fds", "Number of open file descriptors.", float64(n))
	}
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil {
		gauge("process_max_fds", "Maximum number of open file descriptors.", float64(lim.Cur))
	}
	if syscall.Getrlimit(syscall.RLIMIT_AS, &lim) == nil {
		gauge("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", float64(lim.Cur))
	}
	return fams
}

// stat is what the process serves of /proc/self/stat (proc_pid_stat(5)).
type stat struct {
	utime, stime uint64 // clock ticks in user and kernel mode
	starttime    uint64 // clock ticks after boot when the process started
	vsize        uint64 // bytes
	rss          uint64 // pages
}

func readStat() (stat, error) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return stat{}, err
	}
	// The command name (field 2) is in parentheses and may itself hold spaces and
	// parentheses: the fields that follow start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, errors.New("metrics: /proc/self/stat without a command name")
	}
	f := bytes.Fields(b[i+1:]) // f[0] is field 3, the state
	if len(f) < 22 {
		return stat{}, errors.New("metrics: /proc/self/stat too short")
	}
	var st stat
	for _, x := range []struct {
		to    *uint64
		field int
	}{{&st.utime, 14}, {&st.stime, 15}, {&st.starttime, 22}, {&st.vsize, 23}, {&st.rss, 24}} {
		if *x.to, err = strconv.ParseUint(string(f[x.field-3]), 10, 64); err != nil {
			return stat{}, err
		}
	}
	return st, nil
}

// startTime is the process's start in seconds since the epoch: its start after boot plus
// the boot time, neither of which changes.
var startTime = sync.OnceValues(func() (float64, error) {
	st, err := readStat()
	if err != nil {
		return 0, err
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("btime ")); ok {
			boot, err := strconv.ParseUint(string(bytes.TrimSpace(rest)), 10, 64)
			if err != nil {
				return 0, err
			}
			return float64(boot) + float64(st.starttime)/userHZ, nil
		}
	}
	return 0, errors.New("metrics: no btime in /proc/stat")
})

// openFDs counts the entries of /proc/self/fd, the directory's own descriptor among them.
func openFDs() (int, error) {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	defer d.Close()
	n := 0
	for {
		names, err := d.Readdirnames(256)
		n += len(names)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return 0, err
		}
	}
}
