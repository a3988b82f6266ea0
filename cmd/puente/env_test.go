package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// envReaders are the functions that read the process's environment, by package.
var envReaders = map[string][]string{
	"os":      {"Getenv", "LookupEnv", "Environ", "ExpandEnv"},
	"syscall": {"Getenv", "Environ"},
}

// settingName is what a literal naming one of puente's variables looks like.
var settingName = regexp.MustCompile(`\b(PUENTE|TELEGRAM)_[A-Z_]+`)

// namesSettings are the files outside cmd that may name a variable: the retention table
// says which setting changes each period, for docs/privacy.md.
var namesSettings = map[string]bool{"store/retention.go": true}

// Ensure the configuration is resolved in one place: no file outside cmd (tests aside) reads
// the environment, and none names one of puente's variables in a string, so the packages take
// typed values and every message that names a setting is worded here.
func TestOnlyCmdReadsTheEnvironment(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var files int
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || rel == "cmd") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, problem := range envProblems(fset, f, !namesSettings[rel]) {
			t.Errorf("%s:%s: resolve it in cmd/puente/config.go and pass the value", rel, problem)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("walked %d Go files under %s; the repository was not found", files, root)
	}
}

// envProblems lists, with their lines, f's reads of the environment and, when literals is set,
// its strings that name one of puente's variables.
func envProblems(fset *token.FileSet, f *ast.File, literals bool) []string {
	readers := map[string][]string{} // the name a file calls a package by: its readers
	var problems []string
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		funcs, ok := envReaders[p]
		if !ok {
			continue
		}
		name := p
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name == "." {
			problems = append(problems, fmt.Sprintf("%d: imports %s with a dot", fset.Position(imp.Pos()).Line, p))
			continue
		}
		readers[name] = funcs
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			pkg, ok := n.X.(*ast.Ident)
			if ok && slices.Contains(readers[pkg.Name], n.Sel.Name) {
				problems = append(problems, fmt.Sprintf("%d: reads the environment (%s.%s)", fset.Position(n.Pos()).Line, pkg.Name, n.Sel.Name))
			}
		case *ast.BasicLit:
			if literals && n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil && settingName.MatchString(s) {
					problems = append(problems, fmt.Sprintf("%d: names the setting %s", fset.Position(n.Pos()).Line, settingName.FindString(s)))
				}
			}
		}
		return true
	})
	return problems
}
