package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Ensure every test the operator's pages cite as evidence ("`bot TestWebhook`") exists in the
// package named, so the pages cannot claim a test that was renamed or never written.
func TestDocsCiteTestsThatExist(t *testing.T) {
	docs, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	cite := regexp.MustCompile("`((?:[a-z]+/)?[a-z]+) (Test[A-Za-z0-9_]+|Benchmark[A-Za-z0-9_]+)`")
	sources := map[string]string{} // package folder -> its test files' text
	cited := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range cite.FindAllStringSubmatch(string(b), -1) {
			pkg, name := m[1], m[2]
			if _, ok := sources[pkg]; !ok {
				files, _ := filepath.Glob(filepath.Join("..", pkg, "*_test.go"))
				var all strings.Builder
				for _, f := range files {
					src, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					all.Write(src)
				}
				sources[pkg] = all.String()
			}
			if !regexp.MustCompile(`func ` + name + `\(`).MatchString(sources[pkg]) {
				t.Errorf("%s cites %s %s, which does not exist", filepath.Base(doc), pkg, name)
			}
			cited++
		}
	}
	if cited < 20 {
		t.Errorf("only %d tests cited in docs/: the pattern no longer matches how the pages cite them", cited)
	}
}
