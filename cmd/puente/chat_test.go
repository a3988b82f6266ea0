package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

const testSecret = "kP3v9XqL2mZ7wR4tY8nB6cD1fG5hJ0sA" // strong enough for store.ValidateSecret

// chatIn runs puente chat in-process, typing lines through a pipe.
func chatIn(t *testing.T, vars map[string]string, lines []string, args ...string) (string, error) {
	t.Helper()
	r, w := io.Pipe()
	go func() {
		for _, l := range lines {
			if _, err := fmt.Fprintln(w, l); err != nil {
				return
			}
		}
		w.Close()
	}()
	var out, errOut bytes.Buffer
	e := env{getenv: func(k string) string { return vars[k] }, stdin: r, stdout: &out, stderr: &errOut}
	err := run(context.Background(), e, append([]string{"chat"}, args...))
	r.Close()
	if err != nil {
		t.Logf("stderr: %s", errOut.String())
	}
	return out.String(), err
}

func TestChat(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PUENTE_DATA_DIR": dir, "PUENTE_SECRET": testSecret, "PUENTE_OPERATOR_NAME": "Test Org"}

	out, err := chatIn(t, vars, []string{"/start", "1", "me llamo Xiomara y vivo en Leeds", "4"}, "--lang", "es")
	if err != nil {
		t.Fatal(err)
	}
	// The words of the flows belong to their writers; the test looks for the
	// engine's own: numbered buttons, navigation and notices.
	for _, want := range []string{
		`\n\[1\] .+\n`,
		`\n\[\d\] 🌐 Idioma\n\[\d\] Salir y borrar\n`,
		`\(Escribe el número de un botón y presiona Enter. Ctrl-D termina.\)`,
		`Solo puedo leer los botones, así que no guardé tu mensaje.`,
		`\n\[\d\] Volver\n\[\d\] Menú\n\[\d\] Salir y borrar\n`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output does not match %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Xiomara") || strings.Contains(out, "Leeds") {
		t.Errorf("the output repeats what was typed:\n%s", out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	// The typed name is one no stored listing's text contains ("Ana" is in a Portuguese
	// description's "Analisam"), so finding it is a leak.
	for _, leak := range []string{`"lang"`, `"node"`, "Xiomara"} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Errorf("the database holds %q in the clear", leak)
		}
	}

	// The session remembers the language; the next run speaks Spanish
	// without --lang, and /salir forgets it.
	out, err = chatIn(t, vars, []string{"/salir"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "] 🌐 Idioma") || !strings.Contains(out, "Listo. Olvidé lo que elegiste") {
		t.Errorf("second run:\n%s", out)
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys, err := store.NewKeys([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(context.Background(), keys.Lookup("terminal", terminalID)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after /salir the session is still there: %v", err)
	}
}

func TestChatLanguage(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"picker without a guess", nil, nil, "Hello. Choose your language. In danger now? Call 999.\n"},
		{"picker for a language not shipped", map[string]string{"LANG": "fa_IR.UTF-8"}, nil, "[1] English\n[2] العربية\n[3] বাংলা\n[4] Español\n[5] polski\n[6] Português (Brasil)\n[7] română\n[8] shqip\n[9] اردو\n[10] Tiếng Việt\n[11] Exit · خروج · বের হন · Salir\n"},
		{"locale guess", map[string]string{"LANG": "pt_BR.UTF-8"}, nil, "] Sair e apagar\n"},
		{"flag", map[string]string{"LANG": "pt_BR.UTF-8"}, []string{"--lang", "en"}, "] 🌐 Language\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"PUENTE_DATA_DIR": t.TempDir(), "PUENTE_SECRET": testSecret}
			for k, v := range tt.vars {
				vars[k] = v
			}
			out, err := chatIn(t, vars, nil, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tt.want) {
				t.Fatalf("output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

func TestChatBadLanguage(t *testing.T) {
	vars := map[string]string{"PUENTE_DATA_DIR": t.TempDir(), "PUENTE_SECRET": testSecret}
	if _, err := chatIn(t, vars, nil, "--lang", "fa"); !errors.Is(err, errUsage) {
		t.Fatalf("err = %v, want errUsage", err)
	}
}

func TestCheck(t *testing.T) {
	out, _, err := runIn(t, nil, "check")
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	for _, want := range []string{"flow files", "en     ", "es     ", "pt-BR  ", "translated", "reviewed", "stale stamps", "(100.0%)       "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Ensure /privacy never shows a variable's name when no operator is set (the terminal and
// the preview allow that; a bot does not start without one), in every language, and names
// the operator when one is.
func TestPrivacyOperator(t *testing.T) {
	tests := []struct {
		lang, name, contact string
		want                []string
	}{
		{"en", "", "", []string{"Run by the organisation that runs this bot"}},
		{"es", "", "", []string{"Lo administra la organización que tiene este bot"}},
		{"pt-BR", "", "", []string{"Mantido pela organização responsável por este bot"}},
		{"en", "Test Org", "", []string{"Run by the organisation that runs this bot"}},
		{"en", "Test Org", "privacy@example.org", []string{"Run by Test Org. Contact: privacy@example.org"}},
		{"es", "Test Org", "privacy@example.org", []string{"Lo administra Test Org. Contacto: privacy@example.org"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.name+"/"+tt.contact, func(t *testing.T) {
			vars := map[string]string{"PUENTE_DATA_DIR": t.TempDir(), "PUENTE_SECRET": testSecret,
				"PUENTE_OPERATOR_NAME": tt.name, "PUENTE_OPERATOR_CONTACT": tt.contact}
			out, err := chatIn(t, vars, []string{"/privacy"}, "--lang", tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, "PUENTE_") || strings.Contains(out, "<no value>") {
				t.Errorf("the privacy screen shows a variable:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("the privacy screen lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
