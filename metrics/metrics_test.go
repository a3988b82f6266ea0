package metrics

import (
	"fmt"
	"math"
	"net/http/httptest"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape serves m's /metrics and parses it with the Prometheus reference parser, failing
// the test on anything it will not read.
func scrape(t testing.TB, m *Metrics) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics = %d, want 200", rec.Code)
	}
	if got, want := rec.Header().Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := expfmt.ResponseFormat(rec.Header()), expfmt.NewFormat(expfmt.TypeTextPlain); got != want {
		t.Errorf("format = %q, want %q", got, want)
	}
	text := rec.Body.String()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, text)
	}
	return fams, text
}

// values is each sample of a family by its one label's value ("" for none).
func values(mf *dto.MetricFamily) map[string]float64 {
	got := map[string]float64{}
	for _, m := range mf.GetMetric() {
		var lv string
		for _, l := range m.GetLabel() {
			lv += l.GetValue()
		}
		switch {
		case m.Counter != nil:
			got[lv] = m.GetCounter().GetValue()
		case m.Gauge != nil:
			got[lv] = m.GetGauge().GetValue()
		}
	}
	return got
}

// Ensure every count is served under the name, type and help it had, with its label
// values, and a gauge as its function reads at the scrape.
func TestScrape(t *testing.T) {
	m := New()
	m.UpdatesHandled.Add(12)
	m.UpdatesHandled.Inc()
	m.Requests.WithLabelValues("send").Add(3)
	m.Requests.WithLabelValues("copy").Inc()
	m.RateLimited.Inc()
	m.Retries.Add(2)
	m.Dropped.Inc()
	m.HandoffsOpened.Add(1)
	m.HandoffsClosed.Add(0)
	m.SignInFailures.Inc()
	m.JanitorRuns.Inc()
	m.Forgotten.WithLabelValues("sessions").Add(0)
	m.Forgotten.WithLabelValues("update_ids").Add(40)
	depth := 7.0
	m.Gauge("outbox_depth", "Requests waiting for Telegram.", func() float64 { return depth })

	fams, _ := scrape(t, m)
	for _, tc := range []struct {
		name, help string
		kind       dto.MetricType
		want       map[string]float64
	}{
		{"puente_updates_handled_total", "Telegram updates handled and saved.", dto.MetricType_COUNTER, map[string]float64{"": 13}},
		{"puente_telegram_requests_total", "Bot API requests Telegram accepted, by kind: send and edit are replies, copy relays a case's message.",
			dto.MetricType_COUNTER, map[string]float64{"send": 3, "copy": 1}},
		{"puente_telegram_rate_limited_total", "Answers 429 (too many requests) from Telegram.", dto.MetricType_COUNTER, map[string]float64{"": 1}},
		{"puente_telegram_retries_total", "Requests and update fetches tried again after a failure.", dto.MetricType_COUNTER, map[string]float64{"": 2}},
		{"puente_telegram_refused_total", "Requests Telegram refused for good and the outbox dropped.", dto.MetricType_COUNTER, map[string]float64{"": 1}},
		{"puente_handoffs_opened_total", "Anonymous cases opened with an organisation.", dto.MetricType_COUNTER, map[string]float64{"": 1}},
		{"puente_handoffs_closed_total", "Anonymous cases closed (by the person, the organisation, or idling).", dto.MetricType_COUNTER, map[string]float64{"": 0}},
		{"puente_web_sign_in_failures_total", "Refused sign-ins on the volunteers' page.", dto.MetricType_COUNTER, map[string]float64{"": 1}},
		{"puente_janitor_runs_total", "Rounds of forgetting expired data.", dto.MetricType_COUNTER, map[string]float64{"": 1}},
		{"puente_janitor_forgotten_total", "Rows the janitor forgot, by what they were.", dto.MetricType_COUNTER, map[string]float64{"sessions": 0, "update_ids": 40}},
		{"puente_outbox_depth", "Requests waiting for Telegram.", dto.MetricType_GAUGE, map[string]float64{"": 7}},
	} {
		mf := fams[tc.name]
		if mf == nil {
			t.Errorf("no %s", tc.name)
			continue
		}
		if got := mf.GetHelp(); got != tc.help {
			t.Errorf("%s help = %q, want %q", tc.name, got, tc.help)
		}
		if got := mf.GetType(); got != tc.kind {
			t.Errorf("%s type = %v, want %v", tc.name, got, tc.kind)
		}
		if got := values(mf); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, mf := range fams["puente_telegram_requests_total"].GetMetric() {
		if got := mf.GetLabel()[0].GetName(); got != "kind" {
			t.Errorf("requests label = %q, want kind", got)
		}
	}
	depth = 2
	if fams, _ := scrape(t, m); values(fams["puente_outbox_depth"])[""] != 2 {
		t.Errorf("outbox depth after it changed = %v, want 2", values(fams["puente_outbox_depth"]))
	}
}

// Ensure a labelled family is served only once something was counted under it (as the
// Prometheus client did), and a label value with it when counted, even by Add(0).
func TestLabelledFamilyServedOnceCounted(t *testing.T) {
	m := New()
	fams, _ := scrape(t, m)
	if mf := fams["puente_janitor_forgotten_total"]; mf != nil {
		t.Errorf("janitor_forgotten_total served before anything was forgotten: %v", values(mf))
	}
	m.Forgotten.WithLabelValues("web_sessions").Add(0)
	_, text := scrape(t, m)
	if want := "puente_janitor_forgotten_total{what=\"web_sessions\"} 0\n"; !strings.Contains(text, want) {
		t.Errorf("/metrics lacks %q:\n%s", want, text)
	}
}

// Ensure a label value is a fixed word or "other": nothing a person wrote or is known by
// becomes a label, however a caller errs, and a runaway caller makes at most
// maxLabelValues series.
func TestLabelValuesAreWords(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"send", "send"},
		{"closed_cases", "closed_cases"},
		{"v2", "v2"},
		{"-1001234567890", "other"},
		{"123456789", "other"},
		{"Maria", "other"},
		{"maria silva", "other"},
		{"maria@example.org", "other"},
		{`a"b`, "other"},
		{"a\nb", "other"},
		{"", "other"},
		{"_x", "other"},
		{strings.Repeat("a", 33), "other"},
		{strings.Repeat("a", 32), strings.Repeat("a", 32)},
		{"señora", "other"},
	} {
		m := New()
		m.Requests.WithLabelValues(tc.value).Inc()
		fams, _ := scrape(t, m)
		if got, want := values(fams["puente_telegram_requests_total"]), map[string]float64{tc.want: 1}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("WithLabelValues(%q): served %v, want %v", tc.value, got, want)
		}
	}

	m := New()
	for i := range maxLabelValues + 10 {
		m.Requests.WithLabelValues(fmt.Sprintf("kind%d", i)).Inc()
	}
	got := values(scrape1(t, m, "puente_telegram_requests_total"))
	if len(got) != maxLabelValues+1 || got["other"] != 10 {
		t.Errorf("after %d kinds: %d series, other = %v; want %d series and other = 10", maxLabelValues+10, len(got), got["other"], maxLabelValues+1)
	}
}

func scrape1(t *testing.T, m *Metrics, name string) *dto.MetricFamily {
	t.Helper()
	fams, _ := scrape(t, m)
	if fams[name] == nil {
		t.Fatalf("no %s", name)
	}
	return fams[name]
}

// Ensure the Go runtime's and the process's metrics that the docs, dashboards and the
// rest benchmark read are served, with values that can be true.
func TestRuntimeAndProcess(t *testing.T) {
	m := New()
	runtime.GC()
	fams, _ := scrape(t, m)
	positive := func(v float64) bool { return v > 0 }
	nonNegative := func(v float64) bool { return v >= 0 }
	now := float64(time.Now().Unix())
	tests := []struct {
		name string
		kind dto.MetricType
		ok   func(float64) bool
	}{
		{"go_goroutines", dto.MetricType_GAUGE, positive},
		{"go_threads", dto.MetricType_GAUGE, positive},
		{"go_memstats_heap_inuse_bytes", dto.MetricType_GAUGE, positive},
		{"go_memstats_heap_alloc_bytes", dto.MetricType_GAUGE, positive},
		{"go_memstats_alloc_bytes", dto.MetricType_GAUGE, positive},
		{"go_memstats_alloc_bytes_total", dto.MetricType_COUNTER, positive},
		{"go_memstats_heap_sys_bytes", dto.MetricType_GAUGE, positive},
		{"go_memstats_heap_idle_bytes", dto.MetricType_GAUGE, nonNegative},
		{"go_memstats_heap_released_bytes", dto.MetricType_GAUGE, nonNegative},
		{"go_memstats_heap_objects", dto.MetricType_GAUGE, positive},
		{"go_memstats_mallocs_total", dto.MetricType_COUNTER, positive},
		{"go_memstats_frees_total", dto.MetricType_COUNTER, nonNegative},
		{"go_memstats_next_gc_bytes", dto.MetricType_GAUGE, positive},
		{"go_memstats_stack_inuse_bytes", dto.MetricType_GAUGE, positive},
		{"go_memstats_sys_bytes", dto.MetricType_GAUGE, positive},
		{"go_memstats_last_gc_time_seconds", dto.MetricType_GAUGE, func(v float64) bool { return v > now-3600 && v <= now+1 }},
		{"go_gc_gogc_percent", dto.MetricType_GAUGE, nonNegative},
		{"go_gc_gomemlimit_bytes", dto.MetricType_GAUGE, positive},
		{"go_sched_gomaxprocs_threads", dto.MetricType_GAUGE, positive},
		{"go_info", dto.MetricType_GAUGE, func(v float64) bool { return v == 1 }},
	}
	if runtime.GOOS == "linux" {
		tests = append(tests, []struct {
			name string
			kind dto.MetricType
			ok   func(float64) bool
		}{
			{"process_resident_memory_bytes", dto.MetricType_GAUGE, func(v float64) bool { return v > 1<<20 }},
			{"process_virtual_memory_bytes", dto.MetricType_GAUGE, func(v float64) bool { return v > 1<<20 }},
			{"process_virtual_memory_max_bytes", dto.MetricType_GAUGE, positive},
			{"process_cpu_seconds_total", dto.MetricType_COUNTER, nonNegative},
			{"process_open_fds", dto.MetricType_GAUGE, func(v float64) bool { return v >= 3 }},
			{"process_max_fds", dto.MetricType_GAUGE, positive},
			{"process_start_time_seconds", dto.MetricType_GAUGE, func(v float64) bool { return v > now-3600 && v <= now+1 }},
		}...)
	}
	for _, tc := range tests {
		mf := fams[tc.name]
		if mf == nil {
			t.Errorf("no %s", tc.name)
			continue
		}
		if mf.GetType() != tc.kind || mf.GetHelp() == "" {
			t.Errorf("%s: type %v, help %q; want %v and a help", tc.name, mf.GetType(), mf.GetHelp(), tc.kind)
		}
		for lv, v := range values(mf) {
			if !tc.ok(v) {
				t.Errorf("%s%s = %v, not a value it can have", tc.name, lv, v)
			}
		}
	}
	if got := fams["go_info"].GetMetric()[0].GetLabel()[0]; got.GetName() != "version" || got.GetValue() != runtime.Version() {
		t.Errorf("go_info label %s=%q, want version=%q", got.GetName(), got.GetValue(), runtime.Version())
	}
	gc := fams["go_gc_duration_seconds"]
	if gc.GetType() != dto.MetricType_SUMMARY || len(gc.GetMetric()) != 1 {
		t.Fatalf("go_gc_duration_seconds = %v, want one summary", gc)
	}
	s := gc.GetMetric()[0].GetSummary()
	if s.GetSampleCount() < 1 || len(s.GetQuantile()) != 5 || s.GetQuantile()[4].GetQuantile() != 1 || s.GetSampleSum() <= 0 {
		t.Errorf("go_gc_duration_seconds = %v, want 5 quantiles and the collection just made counted", s)
	}
}

// Ensure families come sorted by name, each once, as the Prometheus client served them.
func TestFamiliesSorted(t *testing.T) {
	m := New()
	m.Gauge("aaa_first", "Sorts first among puente's.", func() float64 { return 1 })
	m.Forgotten.WithLabelValues("sessions").Inc()
	_, text := scrape(t, m)
	var names []string
	for _, match := range regexp.MustCompile(`(?m)^# TYPE (\S+) `).FindAllStringSubmatch(text, -1) {
		names = append(names, match[1])
	}
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Errorf("families not sorted by name, each once: %v", names)
	}
}

// Ensure help and label values are escaped as the format asks, and read back as they were.
func TestEscaping(t *testing.T) {
	f := family{name: "x_total", help: "back\\slash, \"quote\"\nand a new line", kind: "counter", label: "l",
		samples: []sample{{labelValue: "a\\b\"c\nd", value: 2}}}
	got := string(f.appendText(nil))
	want := "# HELP x_total back\\\\slash, \"quote\"\\nand a new line\n# TYPE x_total counter\nx_total{l=\"a\\\\b\\\"c\\nd\"} 2\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	if got := fams["x_total"].GetHelp(); got != f.help {
		t.Errorf("help read back as %q, want %q", got, f.help)
	}
	if got := fams["x_total"].GetMetric()[0].GetLabel()[0].GetValue(); got != f.samples[0].labelValue {
		t.Errorf("label value read back as %q, want %q", got, f.samples[0].labelValue)
	}

	m := New()
	m.Gauge("odd_help", "a \\ and\na line", func() float64 { return 0 })
	if got := scrape1(t, m, "puente_odd_help").GetHelp(); got != "a \\ and\na line" {
		t.Errorf("gauge help read back as %q", got)
	}
}

func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {13, "13"}, {0.5, "0.5"}, {0.01, "0.01"}, {65408, "65408"},
		{1e7, "1e+07"}, {34054144, "3.4054144e+07"}, {math.MaxInt64, "9.223372036854776e+18"},
		{math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.NaN(), "NaN"},
	} {
		if got := string(appendFloat(nil, tc.v)); got != tc.want {
			t.Errorf("appendFloat(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// Ensure counts made at once from many goroutines, while scrapes and a new gauge happen,
// are all kept.
func TestConcurrentCounting(t *testing.T) {
	m := New()
	const workers, each = 8, 1000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range each {
				m.UpdatesHandled.Inc()
				m.HandoffsOpened.Add(0.5)
				m.HandoffsOpened.Inc()
				m.Requests.WithLabelValues([]string{"send", "edit"}[w%2]).Inc()
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			p := expfmt.NewTextParser(model.LegacyValidation)
			if _, err := p.TextToMetricFamilies(strings.NewReader(string(m.appendText(nil)))); err != nil {
				t.Errorf("scrape while counting: %v", err)
			}
		}
	})
	wg.Go(func() { m.Gauge("late", "Registered while counting.", func() float64 { return 1 }) })
	wg.Wait()
	fams, _ := scrape(t, m)
	for _, tc := range []struct {
		name string
		want map[string]float64
	}{
		{"puente_updates_handled_total", map[string]float64{"": workers * each}},
		{"puente_handoffs_opened_total", map[string]float64{"": workers * each * 1.5}},
		{"puente_telegram_requests_total", map[string]float64{"edit": workers / 2 * each, "send": workers / 2 * each}},
		{"puente_late", map[string]float64{"": 1}},
	} {
		if got := values(fams[tc.name]); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Ensure the program's mistakes are loud: a counter going down, a gauge under a name that
// is taken or is not a name.
func TestMisusePanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		do   func(m *Metrics)
	}{
		{"counter down", func(m *Metrics) { m.Retries.Add(-1) }},
		{"counter NaN", func(m *Metrics) { m.Retries.Add(math.NaN()) }},
		{"gauge twice", func(m *Metrics) {
			m.Gauge("outbox_depth", "a", func() float64 { return 0 })
			m.Gauge("outbox_depth", "b", func() float64 { return 0 })
		}},
		{"gauge over a counter", func(m *Metrics) { m.Gauge("janitor_runs_total", "a", func() float64 { return 0 }) }},
		{"gauge not a name", func(m *Metrics) { m.Gauge("outbox depth", "a", func() float64 { return 0 }) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.do(New())
		})
	}
}

func BenchmarkScrape(b *testing.B) {
	m := New()
	m.Requests.WithLabelValues("send").Inc()
	m.Forgotten.WithLabelValues("sessions").Inc()
	m.Gauge("outbox_depth", "Requests waiting for Telegram.", func() float64 { return 0 })
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	}
}

func BenchmarkInc(b *testing.B) {
	m := New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.UpdatesHandled.Inc()
		}
	})
}

func BenchmarkLabelledInc(b *testing.B) {
	m := New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Requests.WithLabelValues("send").Inc()
		}
	})
}
