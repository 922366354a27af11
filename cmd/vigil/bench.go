package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/bench"
	"github.com/vigil-ts/vigil/internal/obs"
	"github.com/vigil-ts/vigil/internal/store"
)

const benchUsage = `Usage:
  vigil bench all [--data PATH|URL] [--db …] [--requests N] [--clients N] [--out DIR] [--cpuprofile FILE]
      every benchmark in one process on one database; without --data on a small
      generated data set (20,000 listings and open cases). Prints one table and
      writes DIR/all.json and DIR/all.svg (default DIR: bench-results).
  vigil bench memory|queue|console|capabilities|checks|reports|ingest [same flags]
      one benchmark (queue, console and memory generate the small set without --data)
  vigil bench generate --db PATH|URL [--listings N] [--cases N] [--accounts N]
      [--events-per-account N] [--seed N] [--days N] [--end TIME]
      fills a new database with a marketplace of that size, for --data
  vigil bench soak [--duration 10m] [--fraction 0.5] [--db …]
      mixed traffic at half the measured maximum: errors, memory growth
Every benchmark is measured beside a no-op JSON handler at the same clients, in
the same run; the ratio column is its throughput as a share of the no-op's.
`

// bench runs the benchmark sub-commands.
func (e env) bench(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(e.stderr, benchUsage)
		if len(args) == 0 {
			return usageError{"usage: vigil bench all|generate|soak|memory|queue|console|capabilities|checks|reports|ingest …"}
		}
		return nil
	}
	switch args[0] {
	case "all":
		return e.benchSuite(ctx, "all", args[1:], nil)
	case "generate":
		return e.benchGenerate(ctx, args[1:])
	case "soak":
		return e.benchSoak(ctx, args[1:])
	case "memory", "queue", "console", "capabilities", "checks", "reports", "ingest":
		return e.benchSuite(ctx, args[0], args[1:], []string{args[0]})
	}
	fmt.Fprint(e.stderr, benchUsage)
	return usageError{fmt.Sprintf("unknown benchmark %q", args[0])}
}

// benchEnv is an in-process server on a loopback port with the no-op
// baseline beside it, and the marketplace the benchmarks work in.
type benchEnv struct {
	app   *app.App
	base  string
	key   string
	mp    string
	data  bench.DataSet
	close func()
}

// benchFlags are the flags every benchmark shares.
type benchFlags struct {
	db       *string
	data     *string
	requests *int
	clients  *int
	baseline *int
	out      *string
	profile  *string
}

func (e env) benchFlagSet(name string, defRequests int) (*flag.FlagSet, benchFlags) {
	fs := flag.NewFlagSet("vigil bench "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs, benchFlags{
		// Never the working database: a benchmark writes a lot of throwaway data.
		db:       fs.String("db", "", "SQLite path or postgres:// URL for the run (default: a temporary SQLite file)"),
		data:     fs.String("data", "", "a database `vigil bench generate` filled, to run on at scale (its marketplace gains the benchmarks' writes)"),
		requests: fs.Int("requests", defRequests, "requests per benchmark (0: each benchmark's own count)"),
		clients:  fs.Int("clients", 0, "concurrent clients for every benchmark (0: each benchmark's own)"),
		baseline: fs.Int("baseline", 5000, "requests of each no-op baseline"),
		out:      fs.String("out", "bench-results", "folder for the JSON results (and the chart)"),
		profile:  fs.String("cpuprofile", "", "write a CPU profile (pprof) of the measured requests, not the baselines, to this file"),
	}
}

// startBench opens the app on the run's database and serves it with the
// baseline at /bench/noop. With data it works in the generated
// marketplace there; with generate, in one it generates first (the small
// set); otherwise in a new, empty marketplace.
func (e env) startBench(ctx context.Context, db, data string, generate bool) (*benchEnv, error) {
	var cleanup []func()
	closeAll := func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}
	if data != "" && db != "" {
		return nil, usageError{"--data and --db name the database twice: give one"}
	}
	generated := false
	if data != "" {
		db, generated = data, true
	}
	if db == "" {
		dir, err := os.MkdirTemp("", "vigil-bench-")
		if err != nil {
			return nil, err
		}
		cleanup = append(cleanup, func() { os.RemoveAll(dir) })
		db = filepath.Join(dir, "bench.db")
	}
	quiet := obs.NewLogger(e.stderr, slog.LevelWarn)
	if generate && !generated {
		v := bench.SmallVolume()
		fmt.Fprintf(e.stdout, "generating the small data set (%d accounts, %d listings, %d open cases; --data for your own)\n", v.Accounts, v.Listings, v.Cases)
		g, err := bench.Generate(ctx, db, v, quiet, e.stderr)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("generate: %w", err)
		}
		fmt.Fprintf(e.stdout, "generated %d rows in %s\n", g.Rows(), g.Elapsed.Round(time.Second))
		// The generator's garbage is not the server's memory.
		debug.FreeOSMemory()
		generated = true
	}
	a, err := app.Open(ctx, app.Config{DB: db, Version: version}, quiet)
	if err != nil {
		closeAll()
		return nil, err
	}
	cleanup = append(cleanup, func() { a.Close() })
	b := &benchEnv{app: a}
	if generated {
		mp, err := a.DB.MarketplaceBySlug(ctx, bench.MarketplaceSlug)
		if errors.Is(err, store.ErrNotFound) {
			closeAll()
			return nil, fmt.Errorf("%s holds no marketplace %q: fill it with vigil bench generate", db, bench.MarketplaceName)
		}
		if err != nil {
			closeAll()
			return nil, err
		}
		_, secret, err := a.Tenants.CreateKey(ctx, cliActor(), mp.ID, fmt.Sprintf("bench %s", time.Now().UTC().Format(time.RFC3339)))
		if err != nil {
			closeAll()
			return nil, err
		}
		b.mp, b.key = mp.ID, secret
		if b.data, err = bench.Describe(ctx, a.DB, mp.ID); err != nil {
			closeAll()
			return nil, err
		}
		b.data.Generated = true
		if data != "" {
			b.data.Path = redact(data)
		}
	} else {
		c, err := a.Tenants.CreateMarketplace(ctx, cliActor(), fmt.Sprintf("bench %d", time.Now().UnixNano()))
		if err != nil {
			closeAll()
			return nil, err
		}
		b.mp, b.key = c.Marketplace.ID, c.Secret
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
	b.base, b.close = "http://"+ln.Addr().String(), closeAll
	return b, nil
}

// benchSuite runs the benchmarks named (every one when names is nil),
// prints the table and writes name.json and name.svg. A missed target is
// printed, not an error; a benchmark whose requests failed is one.
func (e env) benchSuite(ctx context.Context, name string, args []string, names []string) error {
	fs, f := e.benchFlagSet(name, 0)
	batch := 500
	if name == "ingest" {
		fs.IntVar(&batch, "batch", 500, "events per request (at most 1000)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	bs := bench.Benchmarks()
	if names != nil {
		var err error
		if bs, err = bench.Select(names...); err != nil {
			return usageError{err.Error()}
		}
	}
	if name == "ingest" {
		bs = []bench.Benchmark{bench.Ingest(batch)}
	}
	volume := slices.ContainsFunc(bs, func(b bench.Benchmark) bool { return b.Volume })
	b, err := e.startBench(ctx, *f.db, *f.data, volume)
	if err != nil {
		return err
	}
	defer b.close()
	opts := bench.Options{Requests: *f.requests, Clients: *f.clients, Baseline: *f.baseline, Progress: e.stderr, Say: e.stdout}
	if *f.profile != "" {
		pf, err := os.Create(*f.profile)
		if err != nil {
			return err
		}
		defer pf.Close()
		opts.Profile = pf
	}
	where := "an empty marketplace"
	if b.data.Generated {
		where = b.data.String()
	}
	fmt.Fprintf(e.stdout, "vigil bench %s: %s, %s\n", name, b.app.DB.Dialect, where)
	env := &bench.Env{App: b.app, Server: bench.Server{Base: b.base, APIKey: b.key}, MarketplaceID: b.mp, Run: fmt.Sprintf("b%d", time.Now().UnixNano())}
	r, err := bench.Run(ctx, env, bs, opts)
	if err != nil {
		return err
	}
	r.Data = b.data
	fmt.Fprint(e.stdout, r.Table())
	if missed := r.Missed(); len(missed) > 0 {
		fmt.Fprintf(e.stdout, "MISSED targets: %s\n", strings.Join(missed, ", "))
	} else if len(r.Verdicts) > 0 {
		fmt.Fprintln(e.stdout, "every target met")
	}
	if r.PeakRSSBytes > 0 {
		fmt.Fprintf(e.stdout, "peak resident memory of the process: %.0f MiB\n", float64(r.PeakRSSBytes)/(1<<20))
	}
	if err := os.MkdirAll(*f.out, 0o755); err != nil {
		return err
	}
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*f.out, name+".json"), out, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*f.out, name+".svg"), r.Chart(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s and %s\n", filepath.Join(*f.out, name+".json"), filepath.Join(*f.out, name+".svg"))
	var failed []string
	for _, res := range r.Results {
		if res.Errors > 0 {
			failed = append(failed, fmt.Sprintf("%s: %d requests failed, first: %s", res.Name, res.Errors, res.FirstError))
		}
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	return nil
}

// benchGenerate fills a database with a generated marketplace.
func (e env) benchGenerate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("vigil bench generate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	v := bench.SmallVolume()
	db := fs.String("db", "", "SQLite path or postgres:// URL to fill (required)")
	fs.IntVar(&v.Listings, "listings", v.Listings, "listings")
	fs.IntVar(&v.Cases, "cases", v.Cases, "open cases, each with 1 to 6 reports")
	fs.IntVar(&v.Accounts, "accounts", v.Accounts, "accounts")
	fs.IntVar(&v.EventsPerAccount, "events-per-account", v.EventsPerAccount, "events per account, its account.upserted included")
	fs.Uint64Var(&v.Seed, "seed", v.Seed, "random seed: the same seed (and --end) gives the same data")
	fs.IntVar(&v.Days, "days", v.Days, "days of history")
	end := fs.String("end", "", "when the history ends, RFC 3339 (default: now)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" {
		return usageError{"vigil bench generate needs --db PATH|URL"}
	}
	if *end != "" {
		t, err := time.Parse(time.RFC3339, *end)
		if err != nil {
			return usageError{fmt.Sprintf("--end: %v", err)}
		}
		v.End = t
	}
	fmt.Fprintf(e.stdout, "generating %d accounts (%d events each), %d listings and %d open cases into %s\n", v.Accounts, v.EventsPerAccount, v.Listings, v.Cases,
		redact(*db))
	g, err := bench.Generate(ctx, *db, v, obs.NewLogger(e.stderr, slog.LevelWarn), e.stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "generated in %s: %d accounts, %d events (listings included), %d listings, %d open cases with %d reports (%d refused by the rate limit), %d accounts restricted, %d appeals; %.0f rows/s\n",
		g.Elapsed.Round(time.Second), g.Accounts, g.Events, g.Listings, g.Cases, g.Reports, g.Refused, g.Restricted, g.Appeals, float64(g.Rows())/g.Elapsed.Seconds())
	if store.DialectOf(*db) == store.SQLite {
		if path, err := store.SQLitePath(*db); err == nil {
			if st, err := os.Stat(path); err == nil {
				fmt.Fprintf(e.stdout, "%s: %.0f MiB\n", path, float64(st.Size())/(1<<20))
			}
		}
	}
	fmt.Fprintf(e.stdout, "run the benchmarks on it: vigil bench all --data %s\n", *db)
	return nil
}

// redact hides a database URL's password.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}
