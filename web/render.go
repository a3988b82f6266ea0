package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
)

//go:embed templates/*.html static
var assets embed.FS

// pages are the page templates, each with the layout, parsed at a page's first use and kept:
// the page is for a few volunteers, so a server nobody has opened it on holds none of them.
type pages map[string]func() (*template.Template, error)

// parsePages parses every page once, only to refuse a broken one at start, and returns the
// pages to parse again when first used.
func parsePages() (pages, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := pages{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		if _, err := parsePage(name); err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(base, ".html")] = sync.OnceValues(func() (*template.Template, error) { return parsePage(name) })
	}
	return out, nil
}

// parsePage parses the layout and the page of file name. The "t", "has" and "msg" functions
// are placeholders here; render binds them to the viewer's language on a clone, so one
// request's language never leaks into another's.
func parsePage(name string) (*template.Template, error) {
	funcs := template.FuncMap{
		"t":           func(string, ...any) string { return "" },
		"tn":          func(string, int, ...any) string { return "" },
		"langchoices": func(string) []langOption { return nil },
		"digest":      func(formGroup) string { return "" },
		"has":         func(string) bool { return false },
		"msg":         func(directory.Message) string { return "" },
		"date":        func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"clock":       func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"navlink": func(p page, href, nav, label string) navItem {
			return navItem{Href: href, Current: p.Nav == nav, Label: label}
		},
		"revertable": revertable,
		// short cuts what a file holds to a length a page can show.
		"short":     func(s string) string { return directory.Cut(s, 120) },
		"inc":       func(i int) int { return i + 1 },
		"countcell": func(c countCell, label string) labelledCell { return labelledCell{c, label} },
		"langname":  directory.LanguageName,
		// trailPage hands the audit trail template a page of its own, for a listing's page.
		"trailPage": func(p page, d auditData) page { return page{V: p.V, Data: d} },
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	t, err := layout.ParseFS(assets, name)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return t, nil
}

// navItem is one entry of the menu; Label is a message id.
type navItem struct {
	Href, Label string
	Current     bool
}

// viewer is who is looking at a page and in which language.
type viewer struct {
	User  *store.User // nil when signed out
	Lang  string
	Dir   string // "ltr" or "rtl"
	Path  string // the page's own address, to come back to after changing language
	Langs []locales.Language
	cat   *locales.Catalog
}

// IsAdmin says whether the viewer may manage people and revert changes.
func (v *viewer) IsAdmin() bool { return v.User != nil && v.User.Role == store.RoleAdmin }

// t renders message id in the viewer's language; args are name, value pairs.
func (v *viewer) t(id string, args ...any) string {
	return v.cat.Text(v.Lang, id, pairs(args))
}

// tn renders the plural form of message id for n (given as .Count) in the viewer's language.
func (v *viewer) tn(id string, n int, args ...any) string {
	data := pairs(args)
	data["Count"] = n
	return v.cat.Plural(v.Lang, id, n, data)
}

// msg renders a message from the directory package (a problem with a file or the form) in
// the viewer's language.
func (v *viewer) msg(m directory.Message) string {
	return m.In(func(id string, args map[string]any) string { return v.cat.Text(v.Lang, id, args) })
}

// has says whether message id exists, for optional texts such as a field's hint.
func (v *viewer) has(id string) bool {
	_, ok := v.cat.Lookup(v.Lang, id)
	return ok
}

func pairs(args []any) map[string]any {
	data := make(map[string]any, len(args)/2+1)
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			data[k] = args[i+1]
		}
	}
	return data
}

const langCookie = "puente_lang"

// viewerFor works out who is asking and in which language: the language chosen on the
// page (a cookie), else the browser's preference, else English.
func (s *Server) viewerFor(r *http.Request) *viewer {
	// The page's own words exist only in the languages that ship web messages.
	v := &viewer{User: s.session(r), Path: r.URL.RequestURI(), Langs: s.cat.LanguagesWith("web"), cat: s.cat}
	tags := make([]string, len(v.Langs))
	for i, l := range v.Langs {
		tags[i] = l.Tag
	}
	if c, err := r.Cookie(langCookie); err == nil && slices.Contains(tags, c.Value) {
		v.Lang = c.Value
	} else {
		v.Lang = locales.MatchAcceptLanguage(r.Header.Get("Accept-Language"), tags)
	}
	v.Dir = "ltr"
	if locales.IsRTL(v.Lang) {
		v.Dir = "rtl"
	}
	return v
}

// page is what every template gets.
type page struct {
	V     *viewer
	Title string // message id of the page's title
	Nav   string // which menu entry is current
	Flash string // message id of a note about what just happened
	Data  any
}

// render writes the named page with status. The page is rendered into a buffer first, so a
// template error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, v *viewer, status int, name string, p page) {
	parsed, ok := s.pages[name]
	if !ok {
		s.log.Error("No such page template", "page", name)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	t, err := parsed()
	if err == nil {
		t, err = t.Clone()
	}
	if err == nil {
		t.Funcs(template.FuncMap{"t": v.t, "tn": v.tn, "has": v.has, "msg": v.msg, "langchoices": v.languageChoices, "digest": v.digest})
		p.V = v
		if p.Flash == "" {
			p.Flash = flashes[r.URL.Query().Get("done")]
		}
		var buf bytes.Buffer
		if err = t.ExecuteTemplate(&buf, "layout", p); err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			buf.WriteTo(w)
			return
		}
	}
	s.log.Error("Rendering a page failed", "page", name, "err", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// flashes are the notes a redirect after a change may ask for (?done=…). Only these ids are
// shown, so the address cannot put words on the page.
var flashes = map[string]string{
	"saved":       "web.done.saved",
	"unchanged":   "web.done.unchanged",
	"verified":    "web.done.verified",
	"deactivated": "web.done.deactivated",
	"activated":   "web.done.activated",
	"imported":    "web.done.imported",
	"reverted":    "web.done.reverted",
	"password":    "web.done.password",
	"disabled":    "web.done.disabled",
	"enabled":     "web.done.enabled",
	"role":        "web.done.role",
	"revoked":     "web.done.revoked",
}

// redirect answers a successful post by sending the browser to target (post, redirect, get).
func redirect(w http.ResponseWriter, r *http.Request, target, done string) {
	if done != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "done=" + done
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// fail shows a short page that says what went wrong, in the viewer's language.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *viewer, status int, msgID string) {
	s.render(w, r, v, status, "error", page{Title: "web.error.title", Data: msgID})
}

// internal logs err (never anything a person typed) and shows a plain error page.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	s.log.Error("A page failed", "pattern", r.Pattern, "err", err)
	s.fail(w, r, v, http.StatusInternalServerError, "web.error.internal")
}

// localPath returns next if it is a path on this site, else "/": a sign-in page must not
// send anyone to another site. Every return address taken from a request goes through it.
// Browsers forgive a lot (they drop tabs and newlines, read a backslash as a slash), so
// anything but printable ASCII, and any backslash, is refused before and after decoding,
// rather than trying to foresee what a browser makes of it.
func localPath(next string) string {
	if !plainPath(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !plainPath(u.Path) {
		return "/"
	}
	return next
}

// plainPath says whether p starts with exactly one slash and holds only printable ASCII
// without a backslash.
func plainPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.fail(w, r, v, http.StatusNotFound, "web.error.not_found")
}

func (s *Server) crossOrigin(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.fail(w, r, v, http.StatusForbidden, "web.error.cross_origin")
}
