package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/bench"
	"github.com/vigil-ts/vigil/internal/obs"
)

// benchIngest measures batched ingestion over HTTP against the no-op
// baseline, on a fresh temporary SQLite database unless --db is given.
func (e env) benchIngest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("vigil bench ingest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	// Never the working database: a benchmark writes a lot of throwaway data.
	db := fs.String("db", "", "SQLite path or postgres:// URL (default: a temporary SQLite file)")
	events := fs.Int("events", 50_000, "events to send")
	batch := fs.Int("batch", 500, "events per request (at most 1000)")
	clients := fs.Int("clients", 4, "concurrent clients")
	out := fs.String("out", "bench-results", "folder for the JSON results")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "vigil-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*db = filepath.Join(dir, "bench.db")
	}
	a, err := app.Open(ctx, app.Config{DB: *db, Version: version}, obs.NewLogger(e.stderr, slog.LevelWarn))
	if err != nil {
		return err
	}
	defer a.Close()
	c, err := a.Tenants.CreateMarketplace(ctx, cliActor(), fmt.Sprintf("bench %d", time.Now().UnixNano()))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", a.Handler)
	mux.Handle("POST /bench/noop", bench.NoOp())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	fmt.Fprintf(e.stdout, "ingest benchmark: %d events in batches of %d, %d clients, %s\n", *events, *batch, *clients, a.DB.Dialect)
	run := fmt.Sprintf("b%d", time.Now().UnixNano())
	bodies := bench.IngestBodies(run, *events, *batch, time.Now().Add(-time.Hour))
	p := bench.NewProgress(e.stderr, "no-op JSON handler", len(bodies))
	noop := bench.Load(ctx, "no-op JSON handler", base+"/bench/noop", c.Secret, bodies, *batch, *clients, p.Step)
	p = bench.NewProgress(e.stderr, "POST /v1/events", len(bodies))
	ing := bench.Load(ctx, "POST /v1/events", base+"/v1/events", c.Secret, bodies, *batch, *clients, p.Step)
	fmt.Fprint(e.stdout, bench.Table(noop, ing))
	fmt.Fprintf(e.stdout, "events/s: %.0f (%s)\n", ing.ItemsPerS, a.DB.Dialect)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(map[string]any{"dialect": a.DB.Dialect, "baseline": noop, "results": []bench.Result{ing}}, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "ingest.json"), b, 0o644); err != nil {
		return err
	}
	if ing.Errors > 0 {
		return fmt.Errorf("%d requests failed, first: %s", ing.Errors, ing.FirstError)
	}
	return nil
}
