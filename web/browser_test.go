package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// screenshots is where the browser test saves pictures of the main pages (git-ignored).
const screenshots = "testdata/screenshots"

// phoneWidth is the narrowest common phone: every page must fit it.
const phoneWidth = 360

// layoutCheck lists what does not fit a phone: a page wider than the window, a table with
// columns off-screen, and controls (menu links, buttons, selects, check boxes with their
// labels, folded groups) under 44 px tall.
const layoutCheck = `(() => {
	const out = [], w = document.documentElement.clientWidth;
	if (w !== PHONE) out.push("the window is " + w + " px wide, not " + PHONE);
	const name = el => el.tagName.toLowerCase() + " " + JSON.stringify((el.textContent || el.name || "").trim().slice(0, 40));
	if (document.documentElement.scrollWidth > w) out.push("the page is " + document.documentElement.scrollWidth + " px wide in a " + w + " px window");
	for (const el of document.querySelectorAll(".table-scroll")) {
		if (el.scrollWidth > el.clientWidth + 1) out.push("a table is " + el.scrollWidth + " px wide in " + el.clientWidth + " px");
	}
	for (const el of document.querySelectorAll("header a, button, a.button, select, details > summary, input[type=checkbox], input[type=radio]")) {
		const target = el.matches("input") ? (el.closest("label") || el) : el;
		const r = target.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.height < 43.5) out.push(name(target) + " is " + r.height.toFixed(1) + " px tall");
		if (r.right > w + 1) out.push(name(target) + " ends " + r.right.toFixed(0) + " px from the left");
	}
	return out;
})()`

// chrome is a headless Chromium driving the site as a volunteer on a phone would.
type chrome struct {
	t   *testing.T
	s   *site
	ctx context.Context
	axe string // axe-core's script, or empty when it is not installed
	// checked are the pages (address and language) axe-core passed already: it takes a
	// while, and the tests load some pages many times.
	checked map[string]bool
}

// axePath is where .ci/run installs axe-core from npm
// (npm install --prefix web/testdata axe-core): the accessibility checker of every page.
const axePath = "testdata/node_modules/axe-core/axe.min.js"

// axeRules are the checks every page must pass: WCAG 2.2 A and AA (labels, contrast,
// names, languages) and axe's best practices (landmarks, headings).
const axeRules = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]`

// newChrome starts Chromium with a fresh profile. Without a chromium binary the test is
// skipped, except in CI, where it must run.
func newChrome(t *testing.T, s *site) *chrome {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium binary in CI: apt-get install -y chromium")
		}
		t.Skip("no chromium binary: install it (apt-get install -y chromium) to run the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(500, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first run starts the browser; it gets no timeout of its own (see chromedp.Run).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Headless Chromium's window is at least 500 px wide: the phone's width is emulated.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 800, chromedp.EmulateMobile)); err != nil {
		t.Fatalf("emulate a phone: %v", err)
	}
	if err := os.MkdirAll(screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	axe, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no axe-core in CI (%v): npm install --prefix web/testdata axe-core", err)
		}
		t.Logf("no accessibility checks: install axe-core (npm install --prefix web/testdata axe-core): %v", err)
	}
	return &chrome{t: t, s: s, ctx: ctx, axe: string(axe), checked: map[string]bool{}}
}

func (c *chrome) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.ctx, 20*time.Second)
}

// do runs steps that stay on the page.
func (c *chrome) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	ctx, cancel := c.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
}

// navigate runs steps that load a page (a link, a form) and waits for it, checking its status.
func (c *chrome) navigate(what string, status int64, steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	ctx, cancel := c.timeout()
	defer cancel()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
	if res.Status != status {
		c.t.Fatalf("%s: status %d, want %d", what, res.Status, status)
	}
	c.checkLayout(what)
	c.checkAccessibility(what)
}

// checkAccessibility fails the test on every axe-core violation of axeRules on the page.
// Every page a browser test loads is checked.
func (c *chrome) checkAccessibility(what string) {
	c.t.Helper()
	if c.axe == "" {
		return
	}
	key := eval[string](c, `[document.documentElement.lang, location.href, !!document.getElementById("problems"), document.querySelectorAll("details[open]").length].join(" ")`)
	if c.checked[key] {
		return
	}
	c.checked[key] = true
	eval[bool](c, c.axe+";true")
	ctx, cancel := c.timeout()
	defer cancel()
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: "tag", values: `+axeRules+`}, resultTypes: ["violations"]}).then(r => r.violations.map(v => v.id + ": " + v.help + " (" + v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(", ") + ")"))`, chromedp.EvalAwaitPromise))
	if err != nil {
		c.t.Fatalf("%s: run axe-core: %v", what, err)
	}
	for _, v := range found {
		c.t.Errorf("%s: accessibility: %s", what, v)
	}
}

// checkLayout fails the test when the page does not fit a phone (see layoutCheck). Every
// page a browser test loads is checked.
func (c *chrome) checkLayout(what string) {
	c.t.Helper()
	for _, p := range eval[[]string](c, strings.ReplaceAll(layoutCheck, "PHONE", strconv.Itoa(phoneWidth))) {
		c.t.Errorf("%s, at %d px: %s", what, phoneWidth, p)
	}
}

func (c *chrome) open(path string) {
	c.t.Helper()
	c.navigate("open "+path, 200, chromedp.Navigate(c.s.srv.URL+path))
}

// text is the visible text of the first element matching css.
func (c *chrome) text(css string) string {
	c.t.Helper()
	ctx, cancel := c.timeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		c.t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

func (c *chrome) wantText(css, want string) {
	c.t.Helper()
	if got := c.text(css); !strings.Contains(got, want) {
		c.t.Errorf("%s reads %q, want it to contain %q", css, got, want)
	}
}

// shot saves a full-page screenshot as testdata/screenshots/NAME.png.
func (c *chrome) shot(name string) {
	c.t.Helper()
	ctx, cancel := c.timeout()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(screenshots, name+".png"), png, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// eval runs a JavaScript expression in the page and returns its value.
func eval[T any](c *chrome, expr string) T {
	c.t.Helper()
	ctx, cancel := c.timeout()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		c.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// shotScreen saves what a phone's screen shows (the window, not the whole page) as
// testdata/screenshots/NAME.png.
func (c *chrome) shotScreen(name string) {
	c.t.Helper()
	ctx, cancel := c.timeout()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(screenshots, name+".png"), png, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// importBadFile checks a spreadsheet with one bad row on the import page (nothing is written).
func (c *chrome) importBadFile() {
	c.t.Helper()
	csv := filepath.Join(c.t.TempDir(), "directory.csv")
	content := "name,kind,needs,languages,regions,phone,verified_at\n" +
		"Casa Amiga,service,domestic_abuse,es,london,020 7946 0000,2026-11-01\n" +
		"Broken row,service,domestic_abuse,portugese,london,020 7946 0001,2026-11-01\n"
	if err := os.WriteFile(csv, []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
	c.open("/import")
	c.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{csv}))
	c.navigate("check the file", 422, chromedp.Click(chromedp.CSS(`form[action="/import"] button[type=submit]`)))
}

// previewReferral walks the preview, in Spanish, to the referral list for domestic abuse in
// London, women only.
func (c *chrome) previewReferral() {
	c.t.Helper()
	c.open("/preview?lang=es")
	for _, id := range []string{"content.main.btn.topics", "content.menu.btn.find", "content.ref.btn.need_home", "content.ref.btn.london", "content.ref.btn.women"} {
		label := c.s.cat.Text("es", id, nil)
		c.navigate("press "+label, 200, chromedp.Click(buttonLabelled(label)))
	}
}

// buttonLabelled selects the button whose text is label.
func buttonLabelled(label string) chromedp.JSPath {
	l, _ := json.Marshal(label) // a string always marshals
	return chromedp.JSPath(`[...document.querySelectorAll("button")].find(b => b.textContent.trim() === ` + string(l) + `)`)
}

func TestBrowser(t *testing.T) {
	s := newSite(t)
	c := newChrome(t, s)
	s.account("ana@example.org", store.RoleAdmin)
	l := firstSeed(s)
	l.VerifiedAt = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	s.put(l)

	// Sign in.
	c.open("/listings/stale")
	c.wantText("h1", "Sign in")
	c.shot("login")
	c.do("fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS("#email"), "ana@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	c.navigate("sign in", 200, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	c.wantText("h1", "To check")
	c.shotScreen("to-check-phone")

	// Edit a listing.
	c.open("/listings/" + l.ID)
	c.shot("listing")
	c.shotScreen("listing-phone")
	c.do("change the area", chromedp.SetValue(chromedp.CSS("#f-area"), "Brixton, Lambeth"))
	c.navigate("save", 200, chromedp.Click(buttonLabelled("Save")))
	c.wantText(".flash", "Saved.")
	if got := s.listing(l.ID).Area; got != "Brixton, Lambeth" {
		t.Errorf("area after saving in the browser = %q", got)
	}

	// A mistake is explained beside the field and nothing typed is lost.
	c.do("type a bad website", chromedp.SetValue(chromedp.CSS("#f-website"), "www.example"),
		chromedp.SetValue(chromedp.CSS("#f-area"), "Somewhere new"))
	c.navigate("save with a mistake", 422, chromedp.Click(buttonLabelled("Save")))
	c.wantText("#f-website-err", "is not a web address")
	ctx, cancel := c.timeout()
	area, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-area")))
	cancel()
	if err != nil || area != "Somewhere new" {
		t.Errorf("the area typed before the mistake reads %q (%v)", area, err)
	}
	c.shot("listing-error")
	c.do("follow the error summary's link", chromedp.Click(chromedp.CSS(`#problems a[href="#f-website"]`)))
	if got := eval[string](c, `document.activeElement.id`); got != "f-website" {
		t.Errorf("after the summary's link, the focus is on %q, want f-website", got)
	}

	// Correct a field, then save it as checked by phone: the correction is kept with the check.
	c.open("/listings/" + l.ID)
	c.do("correct the area and say how it was checked", chromedp.SetValue(chromedp.CSS("#f-area"), "Moss Side, Manchester"),
		chromedp.Click(chromedp.CSS(`input[name=checked_with][value=phone]`)))
	c.navigate("save and mark as checked", 200, chromedp.Click(buttonLabelled("Save and mark as checked today")))
	c.wantText(".flash", "Saved and marked as checked today")
	if got := s.listing(l.ID); got.Area != "Moss Side, Manchester" || got.VerifiedBy != "ana@example.org" || got.VerifiedAt.Format(time.DateOnly) != "2026-11-27" {
		t.Errorf("after saving as checked: area %q, %v by %q", got.Area, got.VerifiedAt, got.VerifiedBy)
	}
	if e := s.trail("listing:" + l.ID); len(e) == 0 || e[0].Action != "listing.check.phone" {
		t.Errorf("the check is not in the trail as made by phone: %+v", e)
	}

	// Import a spreadsheet with one bad row: its message shows, nothing is written.
	c.importBadFile()
	c.wantText("table", "did you mean pt?")
	c.wantText("table", "Row 3")
	c.shot("import-problems")
	if _, err := s.db.DirectoryListing(context.Background(), directory.DeriveID("", "Casa Amiga")); err == nil {
		t.Error("a file with a bad row wrote a listing")
	}

	// Walk the preview to a referral, in Spanish.
	es := func(id string) string { return s.cat.Text("es", id, nil) }
	c.previewReferral()
	c.wantText(".chat", strings.SplitN(es("content.ref.intro"), "\n", 2)[0])
	c.wantText(".chat", "Latin American Women's Aid")
	c.shot("preview-es")
	c.shotScreen("preview-phone")

	for _, p := range []struct{ path, name string }{{"/listings", "listings"}, {"/audit", "changes"}, {"/users", "people"}, {"/counts", "numbers"}, {"/", "home"}} {
		c.open(p.path)
		c.shot(p.name)
	}

	// The pages themselves in Spanish, chosen at the foot of any page.
	c.do("choose Spanish", chromedp.SetValue(chromedp.CSS("#lang"), "es"))
	c.navigate("change the language", 200, chromedp.Click(buttonLabelled("Change")))
	c.wantText("h1", "Mantén el directorio al día")
	c.open("/listings/stale")
	c.wantText("h1", "Por revisar")
	c.shot("to-check-es")
}
