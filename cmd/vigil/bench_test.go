package main

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/bench"
)

// TestBenchAll generates a tiny data set with `vigil bench generate`, runs
// `vigil bench all` on it with a few requests each, and reads back the
// JSON and the chart it writes: every benchmark's result, a baseline per
// number of clients, the machine, and a verdict per target.
func TestBenchAll(t *testing.T) {
	dir := t.TempDir()
	db, out := filepath.Join(dir, "data.db"), filepath.Join(dir, "results")
	stdout, _, err := vigil(t, "", "bench", "generate", "--db", db, "--listings", "300", "--cases", "200", "--accounts", "50", "--days", "40", "--seed", "3")
	if err != nil {
		t.Fatalf("generate: %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, "200 open cases") || !strings.Contains(stdout, "300 listings") {
		t.Errorf("generate printed:\n%s", stdout)
	}
	if _, _, err := vigil(t, "", "bench", "generate", "--db", db, "--listings", "300"); err == nil {
		t.Error("a second generate into the same database was not refused")
	}
	stdout, _, err = vigil(t, "", "bench", "all", "--data", db, "--requests", "4", "--baseline", "20", "--out", out)
	if err != nil {
		t.Fatalf("bench all: %v\n%s", err, stdout)
	}
	for _, s := range []string{"benchmark ", "no-op JSON handler", "console dashboard", "checks", "PASS", "wrote "} {
		if !strings.Contains(stdout, s) {
			t.Errorf("bench all printed no %q:\n%s", s, stdout)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "all.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r bench.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("all.json: %v\n%s", err, b)
	}
	if len(r.Results) != len(bench.Benchmarks()) || r.Machine.GOMAXPROCS == 0 || r.Machine.GoVersion == "" || r.Machine.Date.IsZero() || r.Dialect != "sqlite" {
		t.Errorf("all.json: %d results of %d, machine %+v, dialect %q", len(r.Results), len(bench.Benchmarks()), r.Machine, r.Dialect)
	}
	if r.Data.OpenCases < 200 || r.Data.Listings < 300 {
		t.Errorf("data set %+v", r.Data)
	}
	clients := map[int]bool{}
	for _, res := range r.Results {
		if res.Errors > 0 {
			t.Errorf("%s: %d errors, first %s", res.Name, res.Errors, res.FirstError)
		}
		if res.Name != "memory" {
			clients[res.Clients] = true
			if res.Requests != 4 || res.ItemsPerS <= 0 {
				t.Errorf("%s: %+v", res.Name, res)
			}
		} else if res.RSSBytes == 0 {
			t.Errorf("memory: %+v", res)
		}
	}
	if len(r.Baselines) != len(clients) {
		t.Errorf("%d baselines for %d numbers of clients", len(r.Baselines), len(clients))
	}
	if len(r.Verdicts) < len(bench.Targets()) {
		t.Errorf("%d verdicts", len(r.Verdicts))
	}
	f, err := os.Open(filepath.Join(out, "all.svg"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("all.svg: %v", err)
		}
	}
	// One benchmark on its own, an empty marketplace, the old way.
	if stdout, _, err := vigil(t, "", "bench", "capabilities", "--requests", "5", "--baseline", "20", "--out", out); err != nil ||
		!strings.Contains(stdout, "capabilities") {
		t.Fatalf("bench capabilities: %v\n%s", err, stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "capabilities.json")); err != nil {
		t.Error(err)
	}
	if _, stderr, err := vigil(t, "", "bench"); exitCode(err) != 2 || !strings.Contains(stderr, "vigil bench all") {
		t.Errorf("bench without a sub-command: exit %d, %s", exitCode(err), stderr)
	}
}
