// Package metrics holds the counts the bot, the web page and the janitor keep for the
// operator, served in the Prometheus text format; it exists so that bot and web can count
// into one registry without knowing of each other. Only counts: no label ever carries a chat
// id, user id, case code, listing name or email address, only the fixed words given here.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one process's counters. A nil *Metrics is not valid; New makes one.
type Metrics struct {
	reg *prometheus.Registry

	UpdatesHandled prometheus.Counter     // Telegram updates handled and committed
	Requests       *prometheus.CounterVec // Bot API requests Telegram accepted, by kind (send, edit, copy…)
	RateLimited    prometheus.Counter     // 429 answers: Telegram asked the bot to slow down
	Retries        prometheus.Counter     // requests and fetches tried again after a failure
	Dropped        prometheus.Counter     // requests Telegram refused for good
	HandoffsOpened prometheus.Counter     // anonymous cases opened
	HandoffsClosed prometheus.Counter     // anonymous cases closed, by anyone or by idling
	SignInFailures prometheus.Counter     // refused sign-ins on the volunteers' page
	JanitorRuns    prometheus.Counter     // rounds of forgetting expired data
	Forgotten      *prometheus.CounterVec // rows forgotten by the janitor, by what they were
}

// New makes a set of counters in a registry of its own, with the Go runtime's and the
// process's own metrics beside them.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "puente", Name: name, Help: help})
		reg.MustRegister(c)
		return c
	}
	m := &Metrics{
		reg:            reg,
		UpdatesHandled: f("updates_handled_total", "Telegram updates handled and saved."),
		RateLimited:    f("telegram_rate_limited_total", "Answers 429 (too many requests) from Telegram."),
		Retries:        f("telegram_retries_total", "Requests and update fetches tried again after a failure."),
		Dropped:        f("telegram_refused_total", "Requests Telegram refused for good and the outbox dropped."),
		HandoffsOpened: f("handoffs_opened_total", "Anonymous cases opened with an organisation."),
		HandoffsClosed: f("handoffs_closed_total", "Anonymous cases closed (by the person, the organisation, or idling)."),
		SignInFailures: f("web_sign_in_failures_total", "Refused sign-ins on the volunteers' page."),
		JanitorRuns:    f("janitor_runs_total", "Rounds of forgetting expired data."),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "puente", Name: "telegram_requests_total",
			Help: "Bot API requests Telegram accepted, by kind: send and edit are replies, copy relays a case's message."}, []string{"kind"}),
		Forgotten: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "puente", Name: "janitor_forgotten_total",
			Help: "Rows the janitor forgot, by what they were."}, []string{"what"}),
	}
	reg.MustRegister(m.Requests, m.Forgotten)
	return m
}

// Gauge adds a value read at each scrape, such as the outbox's depth. f must be safe to
// call from any goroutine.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "puente", Name: name, Help: help}, f))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
