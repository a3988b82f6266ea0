// Package deploy_test checks the deployment files against the rules docs/deploy.md promises,
// where no Dockerfile linter or service manager can run them: the image builds with cgo in
// stages, runs as a non-root user with its data on a volume and a health check; the systemd
// unit runs as its own user, writes only to its data folder, and gets its secrets as
// credentials.
package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its arguments, continuation lines joined.
type instruction struct {
	cmd, args string
	line      int
}

func parseDockerfile(t *testing.T, text string) []instruction {
	t.Helper()
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasPrefix(trimmed, "#") {
			continue // a comment inside a continued instruction
		}
		if s, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start})
		cur.Reset()
	}
	if cur.Len() > 0 {
		t.Fatalf("Dockerfile ends inside a continued instruction")
	}
	return out
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ins := parseDockerfile(t, string(b))
	var froms, users []instruction
	stage := -1
	final := map[string][]string{} // the last stage's instructions by command
	for _, in := range ins {
		if in.cmd == "FROM" {
			froms = append(froms, in)
			stage++
			final = map[string][]string{}
		}
		final[in.cmd] = append(final[in.cmd], in.args)
		if in.cmd == "USER" {
			users = append(users, in)
		}
		if in.cmd == "FROM" && (strings.HasSuffix(strings.Fields(in.args)[0], ":latest") || !strings.Contains(strings.Fields(in.args)[0], ":")) {
			t.Errorf("line %d: FROM %s: pin the image's tag (hadolint DL3006/DL3007)", in.line, in.args)
		}
		if in.cmd == "RUN" && strings.Contains(in.args, "apt-get install") {
			if !strings.Contains(in.args, "--no-install-recommends") || !strings.Contains(in.args, "rm -rf /var/lib/apt/lists") || !strings.Contains(in.args, "-y") {
				t.Errorf("line %d: apt-get install without -y, --no-install-recommends and cleaning the lists (hadolint DL3015, DL3009)", in.line)
			}
		}
		if in.cmd == "RUN" && regexp.MustCompile(`(^|\s)(sudo|cd)\s`).MatchString(in.args) {
			t.Errorf("line %d: sudo or cd in RUN (hadolint DL3004, DL3003: use WORKDIR)", in.line)
		}
		if in.cmd == "ADD" {
			t.Errorf("line %d: ADD: use COPY (hadolint DL3020)", in.line)
		}
		if in.cmd == "MAINTAINER" {
			t.Errorf("line %d: MAINTAINER is deprecated (hadolint DL4000)", in.line)
		}
	}
	if len(froms) < 2 {
		t.Errorf("%d stages: build in one stage and run in another, so the image has no compiler", len(froms))
	}
	build := ""
	for _, in := range ins {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			build = in.args
		}
	}
	if !strings.Contains(build, "CGO_ENABLED=1") {
		t.Errorf("the go build step does not set CGO_ENABLED=1: SQLite needs cgo")
	}
	if len(final["USER"]) == 0 {
		t.Fatal("the final stage has no USER: it would run as root")
	}
	if u := final["USER"][len(final["USER"])-1]; u == "root" || u == "0" || strings.HasPrefix(u, "0:") || strings.HasPrefix(u, "root:") {
		t.Errorf("the final stage runs as %s", u)
	}
	if !slices.ContainsFunc(final["VOLUME"], func(v string) bool { return strings.Contains(v, "/data") }) {
		t.Errorf("no VOLUME for /data: the database would live in the container's layer")
	}
	if !slices.ContainsFunc(final["ENV"], func(v string) bool { return strings.Contains(v, "PUENTE_DATA_DIR=/data") }) {
		t.Errorf("PUENTE_DATA_DIR is not /data")
	}
	hc := strings.Join(final["HEALTHCHECK"], " ")
	if !strings.Contains(hc, "puente") || !strings.Contains(hc, "health") {
		t.Errorf("HEALTHCHECK = %q, want one that asks puente's /healthz (puente health)", hc)
	}
	if len(final["CMD"])+len(final["ENTRYPOINT"]) == 0 {
		t.Errorf("no CMD or ENTRYPOINT")
	}
	for _, c := range append(final["CMD"], final["ENTRYPOINT"]...) {
		if !strings.HasPrefix(c, "[") {
			t.Errorf("CMD/ENTRYPOINT %s: use the JSON form, so signals reach puente (hadolint DL3025)", c)
		}
	}
	if strings.Contains(string(b), "PUENTE_SECRET=") || strings.Contains(string(b), "TELEGRAM_BOT_TOKEN=") {
		t.Errorf("the Dockerfile sets a secret: it would be in the image")
	}
}

func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile("puente.service")
	if err != nil {
		t.Fatal(err)
	}
	set := map[string][]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			set[k] = append(set[k], v)
		}
	}
	one := func(k string) string {
		if len(set[k]) == 0 {
			return ""
		}
		return set[k][len(set[k])-1]
	}
	for k, want := range map[string]string{
		"ProtectSystem": "strict", "NoNewPrivileges": "yes", "PrivateTmp": "yes", "ProtectHome": "yes",
		"ReadWritePaths": "/var/lib/puente", "Environment": "", "UMask": "0077", "CapabilityBoundingSet": "",
	} {
		if _, ok := set[k]; !ok {
			t.Errorf("%s is not set", k)
		} else if want != "" && one(k) != want {
			t.Errorf("%s=%s, want %s", k, one(k), want)
		}
	}
	if one("DynamicUser") != "yes" && (one("User") == "" || one("User") == "root") {
		t.Errorf("the unit runs as root: set DynamicUser=yes or a User")
	}
	creds := strings.Join(set["LoadCredential"], " ")
	for _, c := range []string{"secret:", "telegram-token:"} {
		if !strings.Contains(creds, c) {
			t.Errorf("no LoadCredential=%s…: the secret and the token come as credentials", c)
		}
	}
	env := strings.Join(set["Environment"], " ")
	if !strings.Contains(env, "PUENTE_DATA_DIR=/var/lib/puente") {
		t.Errorf("PUENTE_DATA_DIR is not the folder ReadWritePaths allows")
	}
	if strings.Contains(string(b), "PUENTE_SECRET=") || strings.Contains(string(b), "TELEGRAM_BOT_TOKEN=1") {
		t.Errorf("the unit holds a secret in the clear")
	}
}
