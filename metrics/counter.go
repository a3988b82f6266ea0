package metrics

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// Counter is a count that only goes up. Its methods are safe for concurrent use and take
// no lock: whole numbers, all the program counts, are one atomic add.
type Counter struct {
	whole atomic.Uint64 // the sum of the whole numbers added
	frac  atomic.Uint64 // math.Float64bits of the sum of the others
}

// Inc adds one.
func (c *Counter) Inc() { c.whole.Add(1) }

// Add adds v. It panics if v is negative or NaN: a counter that went down would read as a
// restart of the process to anyone taking its rate.
func (c *Counter) Add(v float64) {
	if v < 0 || math.IsNaN(v) {
		panic(fmt.Sprintf("metrics: a counter cannot go down (Add(%v))", v))
	}
	if v < 1<<63 && v == math.Trunc(v) {
		c.whole.Add(uint64(v))
		return
	}
	for {
		old := c.frac.Load()
		if c.frac.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

func (c *Counter) value() float64 {
	return float64(c.whole.Load()) + math.Float64frombits(c.frac.Load())
}

// counterFamily serves one Counter under its name.
type counterFamily struct {
	name, help string
	c          *Counter
}

func (f counterFamily) collect(fams []family) []family {
	return append(fams, family{name: f.name, help: f.help, kind: "counter", samples: []sample{{value: f.c.value()}}})
}

// CounterVec is a counter for each value of one label, such as a request's kind. A value
// is served once it has been counted, even by Add(0).
type CounterVec struct {
	name, help, label string

	counters sync.Map   // label value → *Counter; read without a lock
	mu       sync.Mutex // held to add a label value
	values   int        // label values added, under mu
}

// maxLabelValues bounds the label values of one CounterVec: each is a series the operator's
// Prometheus keeps forever, and the words the program counts by are far fewer.
const maxLabelValues = 64

// otherValue stands for a label value that is not a plain word, or one past maxLabelValues.
const otherValue = "other"

// WithLabelValues is the counter for value, made on first use. A value that is not a plain
// lower-case word (a–z, 0–9, _; at most 32 bytes, starting with a letter) is counted as
// "other", so that nothing about a person can become a label by mistake.
func (v *CounterVec) WithLabelValues(value string) *Counter {
	if c, ok := v.counters.Load(value); ok {
		return c.(*Counter)
	}
	if !isWord(value) {
		value = otherValue
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if c, ok := v.counters.Load(value); ok {
		return c.(*Counter)
	}
	if v.values >= maxLabelValues {
		c, _ := v.counters.LoadOrStore(otherValue, &Counter{})
		return c.(*Counter)
	}
	c := &Counter{}
	v.counters.Store(value, c)
	v.values++
	return c
}

func (v *CounterVec) collect(fams []family) []family {
	var samples []sample
	v.counters.Range(func(k, c any) bool {
		samples = append(samples, sample{labelValue: k.(string), value: c.(*Counter).value()})
		return true
	})
	if len(samples) == 0 {
		return fams
	}
	sortSamples(samples)
	return append(fams, family{name: v.name, help: v.help, kind: "counter", label: v.label, samples: samples})
}

// isWord says whether s is a plain lower-case word fit to be a label value.
func isWord(s string) bool {
	if s == "" || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// gaugeFunc serves the value f gives at each scrape.
type gaugeFunc struct {
	name, help string
	f          func() float64
}

func (g gaugeFunc) collect(fams []family) []family {
	return append(fams, family{name: g.name, help: g.help, kind: "gauge", samples: []sample{{value: g.f()}}})
}
