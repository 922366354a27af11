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
	"runtime/pprof"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/bench"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/obs"
	"github.com/vigil-ts/vigil/internal/store"
)

// benchEnv is an in-process server on a loopback port with a fresh
// marketplace, and the no-op baseline beside it.
type benchEnv struct {
	app   *app.App
	base  string
	key   string
	close func()
}

// benchFlags are the flags every benchmark shares.
type benchFlags struct {
	db       *string
	requests *int
	clients  *int
	out      *string
	profile  *string
}

func (e env) benchFlagSet(name string, defRequests int) (*flag.FlagSet, benchFlags) {
	fs := flag.NewFlagSet("vigil bench "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs, benchFlags{
		// Never the working database: a benchmark writes a lot of throwaway data.
		db:       fs.String("db", "", "SQLite path or postgres:// URL (default: a temporary SQLite file)"),
		requests: fs.Int("requests", defRequests, "requests to send"),
		clients:  fs.Int("clients", 4, "concurrent clients"),
		out:      fs.String("out", "bench-results", "folder for the JSON results"),
		profile:  fs.String("cpuprofile", "", "write a CPU profile (pprof) of the measured run, not the baseline, to this file"),
	}
}

// start opens the app and serves it with the baseline at /bench/noop.
func (e env) startBench(ctx context.Context, db string) (*benchEnv, error) {
	var cleanup []func()
	closeAll := func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}
	if db == "" {
		dir, err := os.MkdirTemp("", "vigil-bench-")
		if err != nil {
			return nil, err
		}
		cleanup = append(cleanup, func() { os.RemoveAll(dir) })
		db = filepath.Join(dir, "bench.db")
	}
	a, err := app.Open(ctx, app.Config{DB: db, Version: version}, obs.NewLogger(e.stderr, slog.LevelWarn))
	if err != nil {
		closeAll()
		return nil, err
	}
	cleanup = append(cleanup, func() { a.Close() })
	c, err := a.Tenants.CreateMarketplace(ctx, cliActor(), fmt.Sprintf("bench %d", time.Now().UnixNano()))
	if err != nil {
		closeAll()
		return nil, err
	}
	// Capabilities come from memory once the process hears changes, as in
	// serve.
	watch, stop := context.WithCancel(ctx)
	cleanup = append(cleanup, stop)
	go a.Changes.Run(watch)
	for deadline := time.Now().Add(10 * time.Second); !a.Enforce.CacheLive() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	mux := http.NewServeMux()
	mux.Handle("/", a.Handler)
	mux.Handle("/bench/noop", bench.NoOp())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		closeAll()
		return nil, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	cleanup = append(cleanup, func() { srv.Close() })
	return &benchEnv{app: a, base: "http://" + ln.Addr().String(), key: c.Secret, close: closeAll}, nil
}

// compare measures the baseline and the target with the same bodies, prints
// the table and writes the results as JSON.
func (e env) compare(ctx context.Context, b *benchEnv, f benchFlags, name, path string, reqs []bench.Request, itemsPerBody int) (bench.Result, error) {
	p := bench.NewProgress(e.stderr, "no-op JSON handler", len(reqs))
	noop := bench.Load(ctx, "no-op JSON handler", b.base, b.key, bench.To("/bench/noop", reqs), itemsPerBody, *f.clients, p.Step)
	p = bench.NewProgress(e.stderr, path, len(reqs))
	if *f.profile != "" {
		pf, err := os.Create(*f.profile)
		if err != nil {
			return bench.Result{}, err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return bench.Result{}, err
		}
	}
	res := bench.Load(ctx, path, b.base, b.key, reqs, itemsPerBody, *f.clients, p.Step)
	if *f.profile != "" {
		pprof.StopCPUProfile()
	}
	fmt.Fprint(e.stdout, bench.Table(noop, res))
	if err := os.MkdirAll(*f.out, 0o755); err != nil {
		return res, err
	}
	out, _ := json.MarshalIndent(map[string]any{"dialect": b.app.DB.Dialect, "clients": *f.clients, "baseline": noop, "results": []bench.Result{res}}, "", "  ")
	if err := os.WriteFile(filepath.Join(*f.out, name+".json"), out, 0o644); err != nil {
		return res, err
	}
	if res.Errors > 0 {
		return res, fmt.Errorf("%d requests failed, first: %s", res.Errors, res.FirstError)
	}
	return res, nil
}

// benchIngest measures batched ingestion over HTTP against the baseline.
func (e env) benchIngest(ctx context.Context, args []string) error {
	fs, f := e.benchFlagSet("ingest", 100)
	batch := fs.Int("batch", 500, "events per request (at most 1000)")
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := e.startBench(ctx, *f.db)
	if err != nil {
		return err
	}
	defer b.close()
	fmt.Fprintf(e.stdout, "ingest benchmark: %d requests of %d events, %d clients, %s\n", *f.requests, *batch, *f.clients, b.app.DB.Dialect)
	bodies := bench.IngestBodies(fmt.Sprintf("b%d", time.Now().UnixNano()), *f.requests**batch, *batch, time.Now().Add(-time.Hour))
	res, err := e.compare(ctx, b, f, "ingest", "/v1/events", bench.Posts("/v1/events", bodies), *batch)
	fmt.Fprintf(e.stdout, "events/s: %.0f (%s)\n", res.ItemsPerS, b.app.DB.Dialect)
	return err
}

// benchChecks measures listing decisions end to end, stored durably.
func (e env) benchChecks(ctx context.Context, args []string) error {
	return e.benchEach(ctx, args, "checks", "listing check", "decisions", "/v1/checks/listing", bench.ListingBodies)
}

// benchReports measures reports accepted durably: each one stored with its
// case, priority, history, audit entry and webhook before the 201.
func (e env) benchReports(ctx context.Context, args []string) error {
	return e.benchEach(ctx, args, "reports", "report", "reports", "/v1/reports", bench.ReportBodies)
}

// benchEach measures one request per item at path, against the baseline.
func (e env) benchEach(ctx context.Context, args []string, name, what, unit, path string, bodies func(n int) [][]byte) error {
	return e.benchRequests(ctx, args, name, what, unit, path, nil, func(n int) []bench.Request { return bench.Posts(path, bodies(n)) })
}

// benchCapabilities measures the capabilities answer, the hottest path
// (R-E4): GETs spread over 10,000 accounts, a tenth of them enforced on
// (tiers and sanctions), after one warm-up pass.
func (e env) benchCapabilities(ctx context.Context, args []string) error {
	const accounts = 10_000
	seed := func(ctx context.Context, b *benchEnv) error {
		mp, err := b.app.Tenants.Authenticate(ctx, b.key)
		if err != nil {
			return err
		}
		by := enforce.Person(store.User{ID: "bench", Role: "admin"}, cliActor())
		for i := 0; i < accounts; i += 10 {
			acc := fmt.Sprintf("acc-%d", i)
			if _, err := b.app.Enforce.SetTier(ctx, mp.MarketplaceID, by, acc, enforce.Restricted, enforce.Decision{Template: "counterfeit"}); err != nil {
				return err
			}
			if _, err := b.app.Enforce.Impose(ctx, mp.MarketplaceID, by, acc, enforce.SanctionRequest{Kind: enforce.EarlyPayoutLoss, Duration: "7d",
				Decision: enforce.Decision{Template: "fulfilment"}}); err != nil {
				return err
			}
		}
		// Warm the cache as a running deployment's would be.
		for i := range accounts {
			if _, err := b.app.Enforce.Capabilities(ctx, mp.MarketplaceID, fmt.Sprintf("acc-%d", i)); err != nil {
				return err
			}
		}
		return nil
	}
	return e.benchRequests(ctx, args, "capabilities", "capabilities", "answers", "/v1/accounts/{id}/capabilities", seed, func(n int) []bench.Request {
		out := make([]bench.Request, n)
		for i := range out {
			out[i] = bench.Request{Path: fmt.Sprintf("/v1/accounts/acc-%d/capabilities", (i*7919)%accounts)}
		}
		return out
	})
}

// benchRequests measures reqs against the baseline, after seed prepares
// the marketplace.
func (e env) benchRequests(ctx context.Context, args []string, name, what, unit, path string, seed func(context.Context, *benchEnv) error, reqs func(n int) []bench.Request) error {
	fs, f := e.benchFlagSet(name, 5000)
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := e.startBench(ctx, *f.db)
	if err != nil {
		return err
	}
	defer b.close()
	if seed != nil {
		if err := seed(ctx, b); err != nil {
			return fmt.Errorf("prepare %s: %w", name, err)
		}
	}
	fmt.Fprintf(e.stdout, "%s benchmark: %d %s, %d clients, %s\n", what, *f.requests, unit, *f.clients, b.app.DB.Dialect)
	res, err := e.compare(ctx, b, f, name, path, reqs(*f.requests), 1)
	fmt.Fprintf(e.stdout, "%s/s: %.0f, p50 %s, p99 %s (%s)\n", unit, res.ItemsPerS, res.P50.Round(10*time.Microsecond), res.P99.Round(10*time.Microsecond), b.app.DB.Dialect)
	return err
}
