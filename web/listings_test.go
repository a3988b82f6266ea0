package web_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// listingByName finds a stored listing by its name.
func (s *site) listingByName(name string) *directory.Listing {
	s.t.Helper()
	all, err := s.db.DirectoryListings(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	for _, l := range all {
		if l.Name == name {
			return l
		}
	}
	s.t.Fatalf("no listing named %q", name)
	return nil
}

func (s *site) listing(id string) *directory.Listing {
	s.t.Helper()
	l, err := s.db.DirectoryListing(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return l
}

// put stores l as an import would.
func (s *site) put(l *directory.Listing) {
	s.t.Helper()
	if _, err := s.db.ImportDirectory(context.Background(), []*directory.Listing{l}, s.clock()); err != nil {
		s.t.Fatal(err)
	}
}

var versionField = regexp.MustCompile(`name="version" value="([^"]+)"`)

// formOf is the edit form of l as the page would send it back unchanged.
func formOf(b *browser, l *directory.Listing) url.Values {
	b.s.t.Helper()
	m := versionField.FindStringSubmatch(b.get("/listings/" + l.ID).body)
	if m == nil {
		b.s.t.Fatalf("the form of %s has no version", l.ID)
	}
	f := url.Values{"version": {m[1]}}
	for col, v := range l.Record() {
		if col == "id" || col == "status" {
			continue
		}
		switch col {
		case "needs", "serves", "communities", "regions":
			for _, p := range strings.Split(v, ";") {
				f.Add(col, strings.TrimSpace(p))
			}
		default:
			f.Set(col, v)
		}
	}
	return f
}

func firstSeed(s *site) *directory.Listing {
	s.t.Helper()
	all, err := s.db.DirectoryListings(context.Background())
	if err != nil || len(all) == 0 {
		s.t.Fatalf("no seeded listings: %v", err)
	}
	for _, l := range all {
		if l.Kind == directory.Service {
			return l
		}
	}
	return all[0]
}

func TestListingsPage(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)
	l.AcceptsHandoff = true
	l.VerifiedAt = s.clock().AddDate(-1, -1, 0).Truncate(24 * time.Hour)
	s.put(l)

	r := b.get("/listings")
	wantStatus(t, "list", r, http.StatusOK)
	wantBody(t, "list", r, html.EscapeString(l.Name), `href="/listings/`+l.ID+`"`)

	tests := []struct {
		query string
		want  bool
	}{
		{"handoff=1", true},
		{"stale=1", true},
		{"q=" + url.QueryEscape(strings.ToUpper(l.Name[:4])), true},
		{"q=zzzznothing", false},
		{"need=" + string(l.Needs[0]), true},
		{"status=inactive", false},
	}
	for _, tt := range tests {
		r := b.get("/listings?" + tt.query)
		wantStatus(t, tt.query, r, http.StatusOK)
		if got := strings.Contains(r.body, `href="/listings/`+l.ID+`"`); got != tt.want {
			t.Errorf("?%s: listed = %v, want %v", tt.query, got, tt.want)
		}
	}
	r = b.get("/listings?handoff=1")
	if n := strings.Count(r.body, `<li>`+"\n"+`<h2><a href="/listings/`); n != 1 {
		t.Errorf("accepts-handoff filter shows %d listings, want 1", n)
	}

	r = b.get("/listings/stale")
	wantStatus(t, "to-do", r, http.StatusOK)
	wantBody(t, "to-do", r, "not shown to people", "checked 13 months ago")
	if i := strings.Index(r.body, l.ID); i < 0 || i > strings.Index(r.body, "Check this listing") {
		t.Error("the listing unchecked for over a year is not first on the to-do list")
	}
}

func TestEditListing(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)
	before := l.Record()

	r := b.get("/listings/" + l.ID)
	wantStatus(t, "edit page", r, http.StatusOK)
	wantBody(t, "edit page", r, `name="name" value="`+html.EscapeString(l.Name)+`"`, `name="hours_always"`, `type="time"`)

	// A bad website and an empty needs list: both messages in place, everything typed kept.
	f := formOf(b, l)
	f.Set("name", "Renamed service")
	f.Set("area", "Brixton, Lambeth")
	f.Set("website", "not a website")
	f.Del("needs")
	r = b.post("/listings/"+l.ID, f)
	wantStatus(t, "invalid edit", r, http.StatusUnprocessableEntity)
	wantBody(t, "invalid edit", r, "Nothing was saved yet", `value="Renamed service"`, `value="Brixton, Lambeth"`,
		`value="not a website"`, `id="f-website-err"`, `id="f-needs-err"`, `aria-invalid="true"`)
	if got := s.listing(l.ID).Record(); got["name"] != before["name"] {
		t.Errorf("an invalid edit was saved: name %q", got["name"])
	}
	if n := len(s.trail("listing:" + l.ID)); n != 0 {
		t.Errorf("an invalid edit left %d audit entries", n)
	}

	f = formOf(b, l)
	f.Set("name", "Renamed service")
	f.Set("area", "Brixton, Lambeth")
	stale := f
	r = b.post("/listings/"+l.ID, f)
	wantStatus(t, "valid edit", r, http.StatusSeeOther)
	if got, want := r.header.Get("Location"), "/listings/"+l.ID+"?done=saved"; got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	got := s.listing(l.ID)
	if got.Name != "Renamed service" || got.Area != "Brixton, Lambeth" || got.ID != l.ID {
		t.Errorf("after the edit: %q %q %q", got.ID, got.Name, got.Area)
	}
	trail := s.trail("listing:" + l.ID)
	if len(trail) != 1 || trail[0].Action != "listing.update" || trail[0].Actor != "ed@example.org" {
		t.Fatalf("trail = %+v", trail)
	}
	wantChanges(t, trail[0].Changes, store.Change{Field: "name", Before: l.Name, After: "Renamed service"},
		store.Change{Field: "area", Before: l.Area, After: "Brixton, Lambeth"})

	// A form opened before someone else saved comes back as typed, with nothing saved over
	// the other edit.
	stale.Set("area", "Peckham")
	r = b.post("/listings/"+l.ID, stale)
	wantStatus(t, "form opened before another save", r, http.StatusConflict)
	wantBody(t, "form opened before another save", r, "changed this listing", `value="Peckham"`)
	if got := s.listing(l.ID).Area; got != "Brixton, Lambeth" {
		t.Errorf("a stale form was saved over a later edit: area %q", got)
	}

	// The same boxes ticked in another order are no change.
	f = formOf(b, s.listing(l.ID))
	slices.Reverse(f["needs"])
	r = b.post("/listings/"+l.ID, f)
	if got, want := r.header.Get("Location"), "/listings/"+l.ID+"?done=unchanged"; got != want {
		t.Errorf("saving again: Location %q, want %q", got, want)
	}
	if n := len(s.trail("listing:" + l.ID)); n != 1 {
		t.Errorf("saving an unchanged listing added an audit entry (%d)", n)
	}
	wantBody(t, "listing's own trail", b.get("/listings/"+l.ID), "Changes to this listing", "Edited", "by ed@example.org")
	wantStatus(t, "unknown listing", b.get("/listings/nope"), http.StatusNotFound)
}

func wantChanges(t *testing.T, got []store.Change, want ...store.Change) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("changes %+v lack %+v", got, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("changes = %+v, want exactly %+v", got, want)
	}
}

func TestNewListing(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	wantStatus(t, "new form", b.get("/listings/new"), http.StatusOK)
	f := url.Values{"name": {"Casa Amiga"}, "kind": {"service"}, "needs": {"domestic_abuse", "housing"}, "languages": {"es; pt"},
		"regions": {"london"}, "phone": {"020 7946 0000"}, "description_es": {"Apoyo en español."}}
	bad := url.Values{}
	for k, v := range f {
		bad[k] = v
	}
	bad.Set("languages", "es; portugese")
	r := b.post("/listings/new", bad)
	wantStatus(t, "bad language", r, http.StatusUnprocessableEntity)
	wantBody(t, "bad language", r, `value="es" checked`, `name="languages_other" value="portugese"`, `id="f-languages-err"`, "pt",
		`value="Casa Amiga"`, "Apoyo en español.")
	r = b.post("/listings/new", f)
	wantStatus(t, "new listing", r, http.StatusSeeOther)
	l := s.listingByName("Casa Amiga")
	if !slices.Contains(l.Needs, directory.Housing) || l.Status != directory.Active {
		t.Errorf("new listing = %+v", l)
	}
	trail := s.trail("listing:" + l.ID)
	if len(trail) != 1 || trail[0].Action != "listing.create" {
		t.Errorf("trail = %+v", trail)
	}
	r = b.post("/listings/new", f)
	wantStatus(t, "the same listing again", r, http.StatusUnprocessableEntity)
	wantBody(t, "the same listing again", r, "exists already")
}

func TestHideAndShow(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)

	wantStatus(t, "hide", b.post("/listings/"+l.ID+"/deactivate", nil), http.StatusSeeOther)
	if got := s.listing(l.ID); got.Status != directory.Inactive {
		t.Errorf("status after hiding = %q", got.Status)
	}
	if strings.Contains(b.get("/listings/stale").body, l.ID) {
		t.Error("a hidden listing is on the to-do list")
	}
	wantBody(t, "hidden listing is kept", b.get("/listings?status=inactive"), l.ID)
	wantStatus(t, "show again", b.post("/listings/"+l.ID+"/activate", nil), http.StatusSeeOther)

	var actions []string
	for _, e := range s.trail("listing:" + l.ID) {
		actions = append(actions, e.Action)
	}
	if got, want := strings.Join(actions, " "), "listing.activate listing.deactivate"; got != want {
		t.Errorf("trail actions = %s, want %s", got, want)
	}
}

func TestRevert(t *testing.T) {
	s := newSite(t)
	admin := s.account("admin@example.org", store.RoleAdmin)
	editor := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)
	f := formOf(editor, l)
	f.Set("area", "Somewhere wrong")
	wantStatus(t, "edit", editor.post("/listings/"+l.ID, f), http.StatusSeeOther)
	edit := s.trail("listing:" + l.ID)[0]

	r := editor.get("/audit")
	if strings.Contains(r.body, "/revert") {
		t.Error("an editor is offered a revert button")
	}
	wantStatus(t, "editor reverting", editor.post("/audit/"+itoa(edit.ID)+"/revert", nil), http.StatusForbidden)
	wantBody(t, "admin's trail", admin.get("/audit"), `action="/audit/`+itoa(edit.ID)+`/revert"`, "Somewhere wrong")

	wantStatus(t, "revert", admin.post("/audit/"+itoa(edit.ID)+"/revert", nil), http.StatusSeeOther)
	if got := s.listing(l.ID).Area; got != l.Area {
		t.Errorf("area after revert = %q, want %q", got, l.Area)
	}
	trail := s.trail("listing:" + l.ID)
	if len(trail) != 2 || trail[0].Action != "listing.revert" || trail[0].RevertOf != edit.ID || trail[1].RevertedBy != trail[0].ID {
		t.Fatalf("trail after revert = %+v", trail)
	}
	r = admin.post("/audit/"+itoa(edit.ID)+"/revert", nil)
	wantStatus(t, "second revert", r, http.StatusConflict)
	wantBody(t, "second revert", r, "undone already")

	// A change whose fields were edited again since is not undone over the later work.
	f = formOf(editor, l)
	f.Set("area", "First")
	wantStatus(t, "first edit", editor.post("/listings/"+l.ID, f), http.StatusSeeOther)
	first := s.trail("listing:" + l.ID)[0]
	f = formOf(editor, l)
	f.Set("area", "Second")
	wantStatus(t, "second edit", editor.post("/listings/"+l.ID, f), http.StatusSeeOther)
	r = admin.post("/audit/"+itoa(first.ID)+"/revert", nil)
	wantStatus(t, "revert under later work", r, http.StatusConflict)
	wantBody(t, "revert under later work", r, "changed again since")
	if got := s.listing(l.ID).Area; got != "Second" {
		t.Errorf("area = %q, want the later edit kept", got)
	}
	wantStatus(t, "unknown entry", admin.post("/audit/999/revert", nil), http.StatusNotFound)
}

// upload posts a file to /import as a browser would.
func (b *browser) upload(name, content string) resp {
	b.s.t.Helper()
	body, contentType := uploadBody(b.s.t, name, content)
	return b.do("POST", "/import", bytes.NewReader(body), contentType)
}

// uploadBody is the multipart form by which a browser sends a file to /import.
func uploadBody(t testing.TB, name, content string) ([]byte, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	return body.Bytes(), mw.FormDataContentType()
}

var tokenField = regexp.MustCompile(`name="token" value="([^"]+)"`)

func TestImport(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	wantStatus(t, "import page", b.get("/import"), http.StatusOK)

	header := "name,kind,needs,languages,regions,phone,verified_at\n"
	bad := header +
		"Casa Amiga,service,domestic_abuse,es,london,020 7946 0000,2026-11-01\n" +
		"Broken row,service,domestic_abuse,portugese,london,020 7946 0001,2026-11-01\n"
	r := b.upload("directory.csv", bad)
	wantStatus(t, "file with a bad row", r, http.StatusUnprocessableEntity)
	wantBody(t, "file with a bad row", r, "Row 3", "languages", "portugese", "did you mean pt?", "Nothing can be imported")
	if strings.Contains(r.body, `action="/import/apply"`) {
		t.Error("a file with errors can be imported")
	}

	good := header +
		"Casa Amiga,service,domestic_abuse,es,london,020 7946 0000,2026-11-01\n" +
		"Casa Dois,service,labour_exploitation,pt,london,020 7946 0001,2026-11-01\n"
	r = b.upload("directory.csv", good)
	wantStatus(t, "good file", r, http.StatusOK)
	wantBody(t, "good file", r, "New: 2. Changed: 0.", "Casa Amiga", "Casa Dois")
	if _, err := s.db.DirectoryListing(context.Background(), directory.DeriveID("", "Casa Amiga")); err == nil {
		t.Fatal("the preview wrote a listing")
	}
	m := tokenField.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no import button")
	}
	token := html.UnescapeString(m[1])
	other := s.account("other@example.org", store.RoleEditor)
	wantStatus(t, "someone else's upload", other.post("/import/apply", url.Values{"token": {token}}), http.StatusGone)
	// The failed try by someone else does not use up the uploader's preview.
	r = b.post("/import/apply", url.Values{"token": {token}})
	wantStatus(t, "apply", r, http.StatusSeeOther)
	l := s.listingByName("Casa Dois")
	trail := s.trail("listing:" + l.ID)
	if len(trail) != 1 || trail[0].Action != "listing.import_new" {
		t.Errorf("trail = %+v", trail)
	}
	r = b.post("/import/apply", url.Values{"token": {token}})
	wantStatus(t, "apply twice", r, http.StatusGone)
	wantBody(t, "apply twice", r, "Upload the file again")

	// A preview goes stale when someone edits a listing it would change: nothing is written,
	// and the new plan is shown to confirm.
	r = b.upload("directory.csv", strings.Replace(good, "020 7946 0001", "020 7946 0009", 1))
	m = tokenField.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no import button")
	}
	l.Area = "Edited meanwhile"
	s.put(l)
	r = b.post("/import/apply", url.Values{"token": {html.UnescapeString(m[1])}})
	wantStatus(t, "stale preview", r, http.StatusConflict)
	wantBody(t, "stale preview", r, "changed since you checked", "Edited meanwhile", `action="/import/apply"`)
	if got := s.listing(l.ID); got.Area != "Edited meanwhile" {
		t.Errorf("a stale preview was imported: area %q", got.Area)
	}
	if m = tokenField.FindStringSubmatch(r.body); m == nil {
		t.Fatal("no import button under the new plan")
	}
	wantStatus(t, "import the new plan", b.post("/import/apply", url.Values{"token": {html.UnescapeString(m[1])}}), http.StatusSeeOther)
	if got := s.listing(l.ID); got.Area != "" || len(got.Contacts) == 0 || got.Contacts[0].Value != "020 7946 0009" {
		t.Errorf("after importing the new plan: area %q contacts %+v", got.Area, got.Contacts)
	}

	changed := strings.Replace(good, "020 7946 0001", "020 7946 0002", 1)
	r = b.upload("directory.csv", changed)
	wantBody(t, "changed file", r, "New: 0. Changed: 1. Unchanged: 1.", "020 7946 0002")
	wantStatus(t, "no file", b.do("POST", "/import", strings.NewReader(""), "multipart/form-data; boundary=x"), http.StatusBadRequest)
}

// Ensure a file's problems are shown in the volunteer's language, a problem quoting another
// (a phone's hours) included, and not in English.
func TestImportProblemsInVolunteersLanguage(t *testing.T) {
	file := "name,kind,needs,languages,regions,phone,verified_at\n" +
		"Casa Amiga,service,domestic_abuse,portugese,london,020 7946 0001 @ Mo-Zz 09:00-17:00,2026-11-01\n"
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"es", []string{"no es un código de idioma; ¿quisiste decir pt?", "horario de ", "no es un día (usa Mo Tu We Th Fr Sa Su)"}},
		{"pt-BR", []string{"não é um código de idioma; você quis dizer pt?", "horário de ", "não é um dia (use Mo Tu We Th Fr Sa Su)"}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			s := newSite(t)
			b := s.account("ed@example.org", store.RoleEditor)
			b.post("/language", url.Values{"lang": {tt.lang}})
			r := b.upload("directory.csv", file)
			wantStatus(t, "file with a bad row", r, http.StatusUnprocessableEntity)
			wantBody(t, "file with a bad row", r, tt.want...)
			for _, english := range []string{"is not a language code", "hours of", "is not a day"} {
				if strings.Contains(r.body, english) {
					t.Errorf("the page says %q in English", english)
				}
			}
		})
	}
}

func TestExport(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)
	for _, tt := range []struct{ path, ctype, want string }{
		{"/export/directory.csv", "text/csv", "name,organisation"},
		{"/export/hsds.json", "application/json", `"organization_id"`},
		{"/export/hsds.zip", "application/zip", "services.csv"},
	} {
		r := b.get(tt.path)
		wantStatus(t, tt.path, r, http.StatusOK)
		if !strings.HasPrefix(r.header.Get("Content-Type"), tt.ctype) || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: headers %v", tt.path, r.header)
		}
		wantBody(t, tt.path, r, tt.want)
		if !strings.HasSuffix(tt.path, ".zip") {
			wantBody(t, tt.path, r, l.Name)
		}
	}
}

// HTML or script in a listing shows as text on every page.
func TestHostileListing(t *testing.T) {
	s := newSite(t)
	b := s.account("admin@example.org", store.RoleAdmin)
	const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	l := firstSeed(s)
	f := formOf(b, l)
	f.Set("name", "Evil "+evil)
	f.Set("description_en", evil)
	f.Set("description_es", evil)
	f.Set("area", evil)
	wantStatus(t, "saving hostile text", b.post("/listings/"+l.ID, f), http.StatusSeeOther)
	escaped := html.EscapeString(evil)
	// The preview's referral list for the listing's need, in English.
	en := func(id string) string { return s.cat.Text("en", id, nil) }
	chat := b.get("/preview?lang=en")
	for _, id := range []string{"content.main.btn.topics", "content.menu.btn.find", "content.ref.btn.need_work", "content.common.btn.prefer_not", "content.ref.btn.any"} {
		chat = press(t, b, chat, en(id))
	}
	// The list shows a few at a time: page on until the listing is on screen.
	for range 10 {
		if strings.Contains(chat.body, "Evil &lt;") {
			break
		}
		chat = press(t, b, chat, en("ui.referral.more"))
	}
	for path, r := range map[string]resp{
		"/listings":         b.get("/listings"),
		"/listings/stale":   b.get("/listings/stale"),
		"/listings/" + l.ID: b.get("/listings/" + l.ID),
		"/audit":            b.get("/audit"),
		"search":            b.get("/listings?q=" + url.QueryEscape("<script>")),
		"preview":           chat,
	} {
		wantStatus(t, path, r, http.StatusOK)
		if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
			t.Errorf("%s: the listing's markup reached the page as markup", path)
		}
		if !strings.Contains(strings.ReplaceAll(r.body, "&#34;", "&quot;"), strings.ReplaceAll(escaped, "&#34;", "&quot;")) &&
			!strings.Contains(r.body, "&lt;script&gt;") {
			t.Errorf("%s: the listing's text is not shown as text", path)
		}
	}
}

// A card says enough to scan the list: needs, languages, region, a phone to call, whether
// it is open now, and how long ago it was checked. The filters live in the address.
func TestListingCards(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)
	l.Name = `<b>Casa</b> "Amiga"`
	l.Languages, l.Interpreting = []string{"es", "pt"}, []string{"ar"}
	l.Regions = []directory.Region{"london"}
	l.Needs = []directory.Need{directory.Housing}
	l.Contacts = []directory.Contact{{Kind: directory.Phone, Value: "+44 20 7946 0000", Note: "urgent"}}
	l.Hours, _ = directory.ParseHours("Mo-Fr 09:00-17:00")
	l.VerifiedAt, l.VerifiedBy = s.clock().AddDate(0, 0, -23).Truncate(24*time.Hour), "ed@example.org"
	s.put(l)

	r := b.get("/listings?q=casa&need=housing&lang=pt&region=london&status=active&handoff=")
	wantStatus(t, "cards", r, http.StatusOK)
	card := r.body[strings.Index(r.body, `<ul class="cards">`):]
	card = card[:strings.Index(card, "</li>")]
	for _, want := range []string{
		html.EscapeString(`<b>Casa</b> "Amiga"`), "<dt>Needs</dt><dd>Housing</dd>",
		`<dt>Staff speak</dt><dd><span lang="es">español</span>, <span lang="pt">português</span></dd>`,
		`<dt>Interpreter</dt><dd><span lang="ar">العربية</span></dd>`, "<dt>Regions</dt><dd>London</dd>",
		`<a href="tel:&#43;442079460000">&#43;44 20 7946 0000</a>`, "<dt>Now</dt><dd>open</dd>", "checked 3 weeks ago",
	} {
		if !strings.Contains(card, want) {
			t.Errorf("the card lacks %q:\n%s", want, card)
		}
	}
	if strings.Contains(card, "<b>Casa") {
		t.Error("a listing's name became markup")
	}
	// The filters come back as chosen, from the address alone.
	wantBody(t, "filters", r, `id="q" name="q" value="casa"`, `<option value="housing" selected>`, `<option value="pt" selected>`,
		`<option value="london" selected>`, `<option value="active" selected>`)

	tests := []struct {
		days int
		want string
	}{{0, "checked today"}, {1, "checked 1 day ago"}, {13, "checked 13 days ago"}, {70, "checked 2 months ago"}, {800, "checked 2 years ago"}}
	for _, tt := range tests {
		l.VerifiedAt = s.clock().AddDate(0, 0, -tt.days).Truncate(24 * time.Hour)
		s.put(l)
		wantBody(t, tt.want, b.get("/listings?q=casa"), tt.want)
	}
}
