package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// telegramCalls are the only places that call the Bot API client, and what each may call:
// the bot's own profile and webhook, set at the start before any update is handled, and
// reads. Everything written to a chat goes through the outbox, whose one sending function is
// (*api).do, which calls Telegram through (*api).post alone (roadCalls).
var telegramCalls = map[string][]string{
	"(*Bot).setup":   {"SetWebhook", "DeleteWebhook"},
	"(*Bot).profile": {"GetMyName", "SetMyName", "GetMyDescription", "SetMyDescription", "GetMyShortDescription", "SetMyShortDescription", "SetMyCommands"},
	"(*Bot).readMe":  {"GetMe"},
	// The one read a batch waits on, before its jobs run and bounded (see readAdmins).
	"(*Bot).readAdmins": {"GetMe", "GetChatAdministrators"},
}

// roadCalls are the only functions that may use each part of the road by which the outbox
// writes to Telegram: post's HTTP client, and post itself.
var roadCalls = map[string]string{"calls": "(*api).post", "post": "(*api).do"}

// Ensure one road to Telegram: no package but bot imports the Bot API client, and in bot the
// client (the api's tg field) is used only by the functions of telegramCalls, for the methods
// listed there. Sending to a chat anywhere else would skip the outbox's pacing, retries and
// crash safety.
func TestOneRoadToTelegram(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var files int
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		files++
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		if filepath.Dir(rel) == filepath.Join("bot", "telegramtest") && strings.HasSuffix(rel, "_test.go") {
			return nil // the fake's own tests talk to it through the real client
		}
		if filepath.Dir(rel) != "bot" {
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == "github.com/go-telegram/bot" {
					t.Errorf("%s imports the Bot API client: only bot talks to Telegram, through its outbox", rel)
				}
			}
			return nil
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			name := funcName(fn)
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "tg" {
					// client.Method: allowed only where telegramCalls says.
					if !slices.Contains(telegramCalls[name], sel.Sel.Name) {
						t.Errorf("%s: %s calls Telegram's %s outside the outbox: queue a request instead", rel, name, sel.Sel.Name)
					}
					seen[name+"."+sel.Sel.Name] = true
					return false
				}
				if want, ok := roadCalls[sel.Sel.Name]; ok && !strings.HasSuffix(rel, "_test.go") {
					if name != want {
						t.Errorf("%s: %s uses %s, which only %s may: queue a request instead", rel, name, sel.Sel.Name, want)
					}
					seen[want+"."+sel.Sel.Name] = true
				}
				if sel.Sel.Name == "tg" {
					t.Errorf("%s: %s takes the Bot API client out of its field: call it only as telegramCalls allows", rel, name)
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("walked %d Go files under %s; the repository was not found", files, root)
	}
	// The table is not a wish list: every call it allows is made, so it cannot silently
	// allow more than the code needs.
	for field, fn := range roadCalls {
		if !seen[fn+"."+field] {
			t.Errorf("%s does not use %s: the road to Telegram has changed; update roadCalls", fn, field)
		}
	}
	for fn, methods := range telegramCalls {
		for _, m := range methods {
			if !seen[fn+"."+m] {
				t.Errorf("telegramCalls allows %s to call %s, which it does not: remove it", fn, m)
			}
		}
	}
}

// funcName is "(*T).m" for a method and "f" for a function.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	typ := fn.Recv.List[0].Type
	star := ""
	if s, ok := typ.(*ast.StarExpr); ok {
		typ, star = s.X, "*"
	}
	if id, ok := typ.(*ast.Ident); ok {
		return "(" + star + id.Name + ")." + fn.Name.Name
	}
	return fn.Name.Name
}
