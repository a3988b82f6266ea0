package flows_test

import (
	"fmt"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

func TestZZLengths(t *testing.T) {
	if os.Getenv("ZZLEN") == "" {
		t.Skip()
	}
	set, _ := flows.Load()
	cat, _ := locales.Load()
	e, err := flows.New(set, cat, nil, flows.Config{Vars: map[string]any{"OperatorName": "Example Organisation", "OperatorContact": "hello@example.org", "SessionHours": 24, "DeleteHours": 24}})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range e.Screens() {
		r, err := e.Render(sc.State, now)
		if err != nil {
			t.Fatal(err)
		}
		n := utf8.RuneCountInString(r.Text)
		id := "picker"
		if sc.Node != nil {
			id = sc.Node.ID
		}
		if n > 520 || os.Getenv("ZZLEN") == "all" {
			fmt.Printf("%-6s %-14s %d\n", sc.State.Lang, id, n)
		}
		if os.Getenv("ZZLEN") == id {
			fmt.Println(r.Text)
		}
	}
}
