package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// litestreamConfig replicates the database in dataDir to a file replica, as docs/scaling.md
// shows (there with S3; the file replica stands in for it here).
const litestreamConfig = `dbs:
  - path: %s
    replica:
      type: file
      path: %s
      sync-interval: 100ms
    snapshot:
      interval: 1h
      retention: 24h
`

// Ensure the restore drill of docs/scaling.md works: Litestream replicates a database that
// puente's commands write to while it runs, a restore from the replica alone brings back
// every row of every table, and puente starts on the restored folder. Skipped, saying so,
// when litestream is not installed (.ci/run installs it when it can).
func TestLitestreamDrill(t *testing.T) {
	bin, err := exec.LookPath("litestream")
	if err != nil {
		t.Skip("litestream is not on PATH, so the restore drill did not run: go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18")
	}
	dir := t.TempDir()
	vars := map[string]string{"PUENTE_DATA_DIR": filepath.Join(dir, "data"), "PUENTE_SECRET": backupSecret, "PUENTE_HTTP_ADDR": "127.0.0.1:0"}
	populate(t, vars)
	db := filepath.Join(vars["PUENTE_DATA_DIR"], "puente.db")
	replica := filepath.Join(dir, "replica")
	cfg := filepath.Join(dir, "litestream.yml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, litestreamConfig, db, replica), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	cmd := exec.CommandContext(ctx, bin, "replicate", "-config", cfg)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("litestream said:\n%s", out.String())
		}
	}()
	// Writes while Litestream replicates: a volunteer, a listing change, a link code.
	if _, stderr, err := runIn(t, vars, "adduser", "second@example.org"); err != nil {
		t.Fatalf("adduser: %v %s", err, stderr)
	}
	if _, stderr, err := runIn(t, vars, "link", "Example Women"); err != nil {
		t.Fatalf("link: %v %s", err, stderr)
	}
	want := dump(t, vars["PUENTE_DATA_DIR"])

	// The drill: restore from the replica alone until it has caught up (the replication lag),
	// into a new, empty data folder.
	restored := map[string]string{"PUENTE_DATA_DIR": filepath.Join(dir, "restored"), "PUENTE_SECRET": backupSecret, "PUENTE_HTTP_ADDR": "127.0.0.1:0"}
	target := filepath.Join(restored["PUENTE_DATA_DIR"], "puente.db")
	start := time.Now()
	var got map[string][]string
	waitFor(t, "a restore from the replica to hold every row", func() bool {
		os.RemoveAll(restored["PUENTE_DATA_DIR"])
		os.MkdirAll(restored["PUENTE_DATA_DIR"], 0o700)
		restore := exec.Command(bin, "restore", "-config", cfg, "-o", target, db)
		if b, err := restore.CombinedOutput(); err != nil {
			out.Write(b)
			return false
		}
		got = dump(t, restored["PUENTE_DATA_DIR"])
		for table, rows := range want {
			if !slices.Equal(got[table], rows) {
				return false
			}
		}
		return true
	})
	t.Logf("a restore held every row %s after the last write", time.Since(start).Round(time.Millisecond))
	log, _, _ := serveFor(t, restored)
	if len(log.String()) == 0 {
		t.Error("serve on the restored folder logged nothing")
	}
}
