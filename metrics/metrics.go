// Package metrics holds the counts the bot, the web page and the janitor keep for the
// operator, served in the Prometheus text format; it exists so that bot and web can count
// into one registry without knowing of each other. Only counts: no label ever carries a chat
// id, user id, case code, listing name or email address, only the fixed words given here
// (a label value that is not a plain lower-case word is counted as "other").
package metrics

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
)

// Metrics is one process's counters. A nil *Metrics is not valid; New makes one.
type Metrics struct {
	UpdatesHandled *Counter    // Telegram updates handled and committed
	Requests       *CounterVec // Bot API requests Telegram accepted, by kind (send, edit, copy…)
	RateLimited    *Counter    // 429 answers: Telegram asked the bot to slow down
	Retries        *Counter    // requests and fetches tried again after a failure
	Dropped        *Counter    // requests Telegram refused for good
	HandoffsOpened *Counter    // anonymous cases opened
	HandoffsClosed *Counter    // anonymous cases closed, by anyone or by idling
	SignInFailures *Counter    // refused sign-ins on the volunteers' page
	JanitorRuns    *Counter    // rounds of forgetting expired data
	Forgotten      *CounterVec // rows forgotten by the janitor, by what they were

	mu         sync.Mutex
	names      map[string]bool // every family name served, so none is served twice
	collectors []collector     // only appended to: a scrape reads the slice it saw under mu
}

// A collector adds its families' current values to a scrape.
type collector interface {
	collect(fams []family) []family
}

// New makes a set of counters in a registry of its own, with the Go runtime's and the
// process's own metrics beside them.
func New() *Metrics {
	m := &Metrics{names: map[string]bool{}}
	f := func(name, help string) *Counter {
		c := &Counter{}
		m.register(counterFamily{name: "puente_" + name, help: help, c: c}, "puente_"+name)
		return c
	}
	vec := func(name, help, label string) *CounterVec {
		v := &CounterVec{name: "puente_" + name, help: help, label: label}
		m.register(v, v.name)
		return v
	}
	m.UpdatesHandled = f("updates_handled_total", "Telegram updates handled and saved.")
	m.RateLimited = f("telegram_rate_limited_total", "Answers 429 (too many requests) from Telegram.")
	m.Retries = f("telegram_retries_total", "Requests and update fetches tried again after a failure.")
	m.Dropped = f("telegram_refused_total", "Requests Telegram refused for good and the outbox dropped.")
	m.HandoffsOpened = f("handoffs_opened_total", "Anonymous cases opened with an organisation.")
	m.HandoffsClosed = f("handoffs_closed_total", "Anonymous cases closed (by the person, the organisation, or idling).")
	m.SignInFailures = f("web_sign_in_failures_total", "Refused sign-ins on the volunteers' page.")
	m.JanitorRuns = f("janitor_runs_total", "Rounds of forgetting expired data.")
	m.Requests = vec("telegram_requests_total",
		"Bot API requests Telegram accepted, by kind: send and edit are replies, copy relays a case's message.", "kind")
	m.Forgotten = vec("janitor_forgotten_total", "Rows the janitor forgot, by what they were.", "what")
	m.register(goRuntime{}, goRuntimeNames()...)
	m.register(process{}, processNames()...)
	return m
}

// Gauge adds a value read at each scrape, such as the outbox's depth. f must be safe to
// call from any goroutine. It panics if the name is not a metric name or is taken, as
// registering it twice is a mistake in the program.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	m.register(gaugeFunc{name: "puente_" + name, help: help, f: f}, "puente_"+name)
}

func (m *Metrics) register(c collector, names ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, name := range names {
		if !validName(name) {
			panic(fmt.Sprintf("metrics: %q is not a metric name", name))
		}
		if m.names[name] {
			panic(fmt.Sprintf("metrics: %s registered twice", name))
		}
		m.names[name] = true
	}
	m.collectors = append(m.collectors, c)
}

// contentType is the Prometheus text exposition format, version 0.0.4.
const contentType = "text/plain; version=0.0.4; charset=utf-8"

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := m.appendText(make([]byte, 0, 8<<10))
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	})
}

// appendText appends every family, sorted by name, in the text format. Gauges are read
// here, outside m.mu, so a slow one holds up no Gauge call.
func (m *Metrics) appendText(b []byte) []byte {
	m.mu.Lock()
	collectors := m.collectors
	m.mu.Unlock()
	fams := make([]family, 0, 64)
	for _, c := range collectors {
		fams = c.collect(fams)
	}
	sort.Slice(fams, func(i, j int) bool { return fams[i].name < fams[j].name })
	for i := range fams {
		b = fams[i].appendText(b)
	}
	return b
}

// validName says whether name matches [a-zA-Z_:][a-zA-Z0-9_:]*, the format's metric names.
func validName(name string) bool {
	for i, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == ':' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return name != ""
}
