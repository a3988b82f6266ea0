package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// The benchmarks in this file measure the built binary from outside, as an operator's server
// sees it: they build cmd/puente, start `puente serve` on a data folder of their own, and read
// the process's resident memory from /proc and its heap from its own /metrics.
//
//	go test -run '^$' -bench 'Serve' -benchtime 1x ./cmd/puente/
//	go test -run '^$' -bench 'ServeAtRest' -benchtime 1x ./cmd/puente/ -rest 2m

// rest is how long the server is left alone before its memory at rest is read.
var rest = flag.Duration("rest", 30*time.Second, "how long `puente serve` rests before its memory is read (the Serve benchmarks)")

// people and live size BenchmarkServeConversations: live people start a conversation first,
// as fast as the bot answers them, so that many sessions are live; then people more send
// /start at 20 a second, and the peak memory and the CPU of that part are reported.
var (
	people = flag.Int("serve.people", 1000, "people who send /start at 20 a second (BenchmarkServeConversations)")
	live   = flag.Int("serve.live", 0, "people whose conversations are started first, as fast as the bot answers (BenchmarkServeConversations)")
)

// puenteBinary builds cmd/puente as an operator builds it, into a folder removed when b ends.
func puenteBinary(b *testing.B) string { return buildBinary(b, ".") }

// buildBinary builds the command in pkg (relative to cmd/puente) into a folder removed when b
// ends.
func buildBinary(b *testing.B, pkg string) string {
	name := "puente"
	if pkg != "." {
		name = filepath.Base(pkg)
	}
	path := filepath.Join(b.TempDir(), name)
	if out, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return path
}

// served is a running `puente serve`.
type served struct {
	bin  string // the binary it runs
	cmd  *exec.Cmd
	url  string // the web page, http://127.0.0.1:port
	web  *http.Client
	done chan error
}

var pageLine = regexp.MustCompile(`The volunteers' web page is on (http://\S+?)"?$`)

// startServe starts `puente serve` on dataDir with vars beside the defaults, and returns
// once its web page listens. The process is stopped when b ends.
func startServe(b *testing.B, bin, dataDir string, vars ...string) *served {
	vars = append([]string{"PUENTE_DATA_DIR=" + dataDir, "PUENTE_HTTP_ADDR=127.0.0.1:0", "PUENTE_SECRET=" + testSecret}, vars...)
	s, stderr := start(b, bin, []string{"serve"}, vars)
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		if m := pageLine.FindStringSubmatch(lines.Text()); m != nil {
			s.url = m[1]
			break
		}
	}
	go s.wait(stderr)
	if s.url == "" {
		b.Fatal("puente serve never said where its web page is")
	}
	jar, _ := cookiejar.New(nil)
	s.web = &http.Client{Jar: jar, Timeout: time.Minute}
	return s
}

// startEchoBot starts a bot with no web page (testdata/echo) with vars. The process is stopped
// when b ends.
func startEchoBot(b *testing.B, bin string, vars ...string) *served {
	s, stderr := start(b, bin, nil, vars)
	go s.wait(stderr)
	return s
}

// start starts bin with args and the variables vars (and PATH), and returns it with its
// standard error, which the caller must read to the end (s.wait) or the process blocks
// writing its log.
func start(b *testing.B, bin string, args, vars []string) (*served, io.Reader) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, vars...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &served{bin: bin, cmd: cmd, done: make(chan error, 1)}
	b.Cleanup(func() { s.stop(b) })
	return s, stderr
}

// wait reads the rest of the process's log and then waits for it to end.
func (s *served) wait(stderr io.Reader) {
	io.Copy(io.Discard, stderr)
	s.done <- s.cmd.Wait()
}

// stop asks the server to stop, as Ctrl-C does, and waits for it.
func (s *served) stop(b *testing.B) {
	if s.cmd.ProcessState != nil || s.cmd.Process.Signal(syscall.SIGINT) != nil {
		return
	}
	select {
	case err := <-s.done:
		if err != nil {
			b.Errorf("puente serve ended with %v", err)
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		b.Error("puente serve did not stop within 30 s of SIGINT")
	}
}

// waitReady waits until /readyz answers 200.
func (s *served) waitReady(b *testing.B) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r, err := http.Get(s.url + "/readyz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatal("/readyz did not answer 200 within 30 s")
}

// memory reads the process's resident set (VmRSS), the part of it that is not the binary's
// or a library's pages (RssAnon), and the heap in use its /metrics reports, all in MB.
func (s *served) memory(b *testing.B) (rss, anon, heap float64) {
	page := s.get(b, "/metrics")
	h := regexp.MustCompile(`(?m)^go_memstats_heap_inuse_bytes (\S+)$`).FindSubmatch(page)
	if h == nil {
		b.Fatal("no go_memstats_heap_inuse_bytes in /metrics")
	}
	inuse, _ := strconv.ParseFloat(string(h[1]), 64)
	return s.status(b, "VmRSS"), s.status(b, "RssAnon"), inuse / (1 << 20)
}

// status reads one of the process's memory figures from /proc/PID/status, in MB.
func (s *served) status(b *testing.B, field string) float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	m := regexp.MustCompile(field + `:\s+(\d+) kB`).FindSubmatch(status)
	if m == nil {
		b.Fatalf("no %s in /proc/%d/status", field, s.cmd.Process.Pid)
	}
	n, _ := strconv.ParseFloat(string(m[1]), 64)
	return n / 1024
}

// report reports the memory read now as the benchmark's MB-rss-<when>, MB-anon-<when> and,
// for puente, MB-heap-<when> (a process with no web page has no /metrics to read it from).
func (s *served) report(b *testing.B, when string) {
	if s.url == "" {
		b.ReportMetric(s.status(b, "VmRSS"), "MB-rss-"+when)
		b.ReportMetric(s.status(b, "RssAnon"), "MB-anon-"+when)
		return
	}
	rss, anon, heap := s.memory(b)
	b.ReportMetric(rss, "MB-rss-"+when)
	b.ReportMetric(anon, "MB-anon-"+when)
	b.ReportMetric(heap, "MB-heap-"+when)
}

// get fetches path from the web page and fails b unless it answers 200.
func (s *served) get(b *testing.B, path string) []byte {
	r, err := s.web.Get(s.url + path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Body.Close()
	body, err := io.ReadAll(r.Body)
	if err != nil || r.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", path, r.StatusCode, err)
	}
	return body
}

// signIn makes an admin with `puente adduser` and sets its password through the link.
func (s *served) signIn(b *testing.B, dataDir string) {
	cmd := exec.Command(s.bin, "adduser", "--role", "admin", "ana@example.org")
	cmd.Env = []string{"PUENTE_DATA_DIR=" + dataDir, "PUENTE_SECRET=" + testSecret}
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("puente adduser: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`/invite/\S+`).Find(out)
	if m == nil {
		b.Fatalf("puente adduser printed no link:\n%s", out)
	}
	password := "a long enough password"
	r, err := s.web.PostForm(s.url+string(m), url.Values{"password": {password}, "confirm": {password}})
	if err != nil {
		b.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		b.Fatalf("setting the password: %d", r.StatusCode)
	}
}

// BenchmarkServeStartup is the time from starting `puente serve` on a warm database (made by
// an earlier start) to /readyz answering 200, with the web page on and no bot.
func BenchmarkServeStartup(b *testing.B) {
	bin := puenteBinary(b)
	dataDir := filepath.Join(b.TempDir(), "data")
	first := startServe(b, bin, dataDir)
	first.waitReady(b)
	first.stop(b)
	var rss float64
	for b.Loop() {
		s := startServe(b, bin, dataDir)
		s.waitReady(b)
		b.StopTimer()
		r, _, _ := s.memory(b)
		rss += r
		s.stop(b)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms-to-ready")
	b.ReportMetric(rss/float64(b.N), "MB-rss-at-ready")
}

// BenchmarkServeAtRest is `puente serve` on an empty database with the web page on and no
// bot: its memory after resting, and after a volunteer downloads every export the web page
// offers and it rests again.
func BenchmarkServeAtRest(b *testing.B) {
	bin := puenteBinary(b)
	for b.Loop() {
		dataDir := filepath.Join(b.TempDir(), "data")
		s := startServe(b, bin, dataDir)
		s.waitReady(b)
		time.Sleep(*rest)
		s.report(b, "rest")
		s.signIn(b, dataDir)
		for _, path := range []string{"/export/directory.csv", "/export/hsds.json", "/export/hsds.zip"} {
			if len(s.get(b, path)) == 0 {
				b.Fatalf("%s is empty", path)
			}
		}
		s.report(b, "export")
		time.Sleep(*rest)
		s.report(b, "export-rest")
		s.stop(b)
	}
}

// BenchmarkServeConversations is `puente serve` with the bot on, against the fake Bot API,
// beside a bare go-telegram/bot echo bot (testdata/echo) driven the same way:
// -serve.live people start first, as fast as the bot answers; then -serve.people (1,000)
// people, each from a chat of their own, send /start at 20 a second. It reports the CPU the
// bot's process spent per update of that paced part and its peak resident memory there, then
// its memory once everyone has an answer, and again after a rest.
//
//	go test -run '^$' -bench ServeConversations -benchtime 1x ./cmd/puente/ -serve.live 10000
func BenchmarkServeConversations(b *testing.B) {
	bots := []struct {
		name  string
		build string // the package to build
		start func(b *testing.B, bin string, fake *telegramtest.Server) *served
	}{
		{"echo", "./testdata/echo", func(b *testing.B, bin string, fake *telegramtest.Server) *served {
			return startEchoBot(b, bin, "TELEGRAM_BOT_TOKEN="+fake.Token, "TELEGRAM_API_URL="+fake.URL)
		}},
		{"puente", ".", func(b *testing.B, bin string, fake *telegramtest.Server) *served {
			s := startServe(b, bin, filepath.Join(b.TempDir(), "data"), "TELEGRAM_BOT_TOKEN="+fake.Token, "TELEGRAM_API_URL="+fake.URL,
				"PUENTE_OPERATOR_NAME=Test Org", "PUENTE_OPERATOR_CONTACT=privacy@example.org")
			s.waitReady(b)
			return s
		}},
	}
	for _, bot := range bots {
		b.Run(bot.name, func(b *testing.B) {
			bin := buildBinary(b, bot.build)
			for b.Loop() {
				fake := telegramtest.New(b)
				fake.Lean()
				s := bot.start(b, bin, fake)
				converse(b, s, fake)
				s.stop(b)
			}
		})
	}
}

// converse drives one bot as BenchmarkServeConversations says, and reports what it measured.
func converse(b *testing.B, s *served, fake *telegramtest.Server) {
	person := func(i int) telegramtest.User {
		return telegramtest.User{ID: int64(5_000_000_000 + i), FirstName: "P", LanguageCode: "es"}
	}
	answered := func(from, to int) {
		deadline := time.Now().Add(10 * time.Minute)
		for i := from; i < to; {
			if _, ok := fake.Last(person(i).ID); ok {
				i++
				continue
			}
			if time.Now().After(deadline) {
				b.Fatalf("not every person had an answer within 10 minutes (%d of %d)", i-from, to-from)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for i := range *live {
		fake.SendText(person(i), "/start")
	}
	answered(0, *live)
	s.resetPeak(b)
	cpu := s.cpu(b)
	tick := time.NewTicker(time.Second / 20)
	for i := *live; i < *live+*people; i++ {
		fake.SendText(person(i), "/start")
		<-tick.C
	}
	tick.Stop()
	answered(*live, *live+*people)
	b.ReportMetric(float64((s.cpu(b)-cpu).Microseconds())/float64(*people), "cpu-µs/update")
	b.ReportMetric(s.status(b, "VmHWM"), "MB-peak-paced")
	s.report(b, "after")
	time.Sleep(*rest)
	s.report(b, "rest")
}

// resetPeak starts the process's peak resident memory (VmHWM) again from now.
func (s *served) resetPeak(b *testing.B) {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0); err != nil {
		b.Fatalf("reset the peak resident memory: %v", err)
	}
}

// cpu is the CPU time the process has spent so far, user and system, from /proc/PID/stat.
func (s *served) cpu(b *testing.B) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	// The command name, in parentheses, may hold spaces: count fields after its end.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("read /proc/%d/stat: %q", s.cmd.Process.Pid, stat)
	}
	// Linux reports these in clock ticks of 1/100 s (USER_HZ) on every architecture Go runs.
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
