// Package app wires Vigil together: configuration, the store, the services,
// the background job runner, and the HTTP server (API, console, operations
// endpoints) with graceful shutdown.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/api"
	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/change"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/compliance"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/jobs"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/obs"
	"github.com/vigil-ts/vigil/internal/outbox"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
	"github.com/vigil-ts/vigil/internal/webhook"
)

// Config is how Vigil runs.
type Config struct {
	// DB is a SQLite file path or a postgres:// URL.
	DB string
	// AllowPrivateWebhooks lets outbound requests — webhook deliveries and
	// image fetches — reach private or loopback addresses (on-prem
	// receivers and photo hosts, tests). Off by default: SSRF.
	AllowPrivateWebhooks bool
	// WebhookAllowHosts are host names exempt from the address check.
	WebhookAllowHosts []string
	// SecureCookies marks console cookies Secure (serve behind HTTPS).
	SecureCookies bool
	// Workers is the number of concurrent background jobs; 0 runs none
	// (another process works the queue).
	Workers int
	// PollInterval is how often idle workers look for jobs.
	PollInterval time.Duration
	// JobTimeout is the longest a background job may run (default a
	// minute); a job left running by a crashed process is retried
	// shortly after it.
	JobTimeout time.Duration
	// RiskInterval is how often touched accounts' risk scores are
	// refreshed (default 5s).
	RiskInterval time.Duration
	// SweepInterval is how often expired claims are released and SLAs
	// checked (default 30s).
	SweepInterval time.Duration
	// CapabilitiesCache is how many accounts' standings each process keeps
	// in memory for the capabilities answer (default 100,000).
	CapabilitiesCache int
	// KeyRate limits each API key's requests in this process; zero sets
	// no limit.
	KeyRate api.RateLimit
	Version string
	// Now and NewID, when set, replace every service's clock and ID
	// generator: the benchmark's data generator runs the services on a
	// simulated clock with reproducible IDs.
	Now   func() time.Time
	NewID func() string
}

// App is a running Vigil instance's parts.
type App struct {
	Cfg      Config
	Log      *slog.Logger
	DB       *store.DB
	Deps     svc.Deps
	Tenants  *tenant.Service
	Users    *user.Service
	Ingest   *ingest.Service
	Outbox   *outbox.Service
	Policies *check.Policies
	Checks   *check.Service
	Fraud    *fraud.Service
	Cases    *cases.Service
	Enforce  *enforce.Service
	Appeals  *appeal.Service
	// Listings is the listing lifecycle the checks, cases and appeals share.
	Listings *listing.Service
	// Compliance is the exports and reports regulators and auditors
	// read: statements of reasons, the transparency report, the audit log.
	Compliance *compliance.Service
	// Changes keeps the in-memory caches (API keys, capabilities) in step
	// with other processes on the same PostgreSQL database.
	Changes *change.Watcher
	Jobs    *jobs.Client
	Metrics *obs.Metrics
	// Handler serves every HTTP route.
	Handler http.Handler
}

// Open connects to the database, applies migrations and builds the
// services and the HTTP handler. Close releases them.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.RiskInterval <= 0 {
		cfg.RiskInterval = 5 * time.Second
	}
	if cfg.SweepInterval <= 0 {
		cfg.SweepInterval = 30 * time.Second
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a := &App{Cfg: cfg, Log: log, DB: db, Deps: svc.New(db, log)}
	if cfg.Now != nil {
		a.Deps.Now = cfg.Now
	}
	if cfg.NewID != nil {
		a.Deps.NewID = cfg.NewID
	}
	a.Tenants, a.Users, a.Ingest = tenant.New(a.Deps), user.New(a.Deps), ingest.New(a.Deps)
	if a.Policies, err = check.NewPolicies(a.Deps); err != nil {
		db.Close()
		return nil, err
	}
	// One guard for every outbound request: webhooks and image fetches.
	guard := webhook.Guard{AllowPrivate: cfg.AllowPrivateWebhooks, AllowHosts: cfg.WebhookAllowHosts}
	a.Outbox = outbox.New(a.Deps, guard, 15*time.Second)
	a.Checks = check.New(a.Deps, a.Policies, textDetectors, a.Outbox)
	a.Checks.Fetch = guard.Client(check.FetchTimeout)
	workers := river.NewWorkers()
	river.AddWorker(workers, a.Outbox.Worker())
	river.AddWorker(workers, a.Checks.ImageWorker())
	river.AddWorker(workers, a.Checks.LegacyImageWorker())
	river.AddWorker(workers, a.Checks.MatchWorker())
	a.Fraud = fraud.New(a.Deps, a.Policies)
	river.AddWorker(workers, a.Fraud.Worker())
	// Held items and risk reviews open cases in the decision's transaction.
	a.Cases = cases.New(a.Deps, a.Policies, a.Outbox)
	a.Cases.Scanner = a.Checks
	a.Checks.Holder, a.Fraud.Holder = a.Cases, a.Cases
	river.AddWorker(workers, a.Cases.Worker())
	// Enforcement: case warnings and recommendations reach the ladder in
	// the action's transaction; logistics recommendations open cases.
	a.Enforce = enforce.New(a.Deps, a.Policies, a.Outbox, cfg.CapabilitiesCache)
	a.Enforce.Holder, a.Cases.Enforcer, a.Checks.Statements = a.Cases, a.Enforce, a.Enforce
	river.AddWorker(workers, a.Enforce.Worker())
	a.Appeals = appeal.New(a.Deps, a.Policies, a.Outbox, a.Enforce)
	a.Listings = a.Checks.Listings
	a.Cases.Listings, a.Appeals.Listings = a.Listings, a.Listings
	a.Compliance = compliance.New(a.Deps, a.Appeals)
	river.AddWorker(workers, a.Listings.Worker())
	river.AddWorker(workers, a.Appeals.Worker())
	a.Changes = change.NewWatcher(db)
	a.Changes.Add(enforce.Topic, a.Enforce)
	a.Changes.Add(tenant.Topic, a.Tenants)
	refresh := river.NewPeriodicJob(river.PeriodicInterval(cfg.RiskInterval),
		func() (river.JobArgs, *river.InsertOpts) { return fraud.RefreshArgs{}, nil }, nil)
	sweep := river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return cases.SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
	enforceSweep := river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return enforce.SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
	// Freshness is a matter of days; every ten sweeps is plenty.
	freshness := river.NewPeriodicJob(river.PeriodicInterval(10*cfg.SweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return listing.SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
	appealSweep := river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return appeal.SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
	a.Jobs, err = jobs.New(db, workers, jobs.Config{Work: cfg.Workers > 0, Workers: cfg.Workers, PollInterval: cfg.PollInterval, JobTimeout: cfg.JobTimeout,
		Periodic: []*river.PeriodicJob{refresh, sweep, enforceSweep, appealSweep, freshness},
		Log:      log.With("component", "jobs")})
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Outbox.Queue, a.Checks.Queue = a.Jobs, a.Jobs
	a.Ingest.Hooks = append(a.Ingest.Hooks, a.Checks.IngestHook, a.Fraud.IngestHook, a.Enforce.IngestHook, a.Listings.IngestHook)
	a.Metrics = obs.New(func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := jobs.QueueDepth(ctx, db)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	a.Handler = a.routes()
	return a, nil
}

func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	api.New(mux, api.Deps{DB: a.DB, Tenants: a.Tenants, Ingest: a.Ingest, Outbox: a.Outbox, Policies: a.Policies, Checks: a.Checks, Fraud: a.Fraud, Cases: a.Cases, Enforce: a.Enforce, Appeals: a.Appeals, Listings: a.Listings, Compliance: a.Compliance, Log: a.Log, Ingested: a.Metrics.Ingested, KeyRate: a.Cfg.KeyRate}, a.Cfg.Version)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", a.Metrics.Handler())
	a.mountConsole(mux)
	a.mountPublished(mux)
	root := http.NewServeMux()
	root.Handle("/v1/", api.ValidJSONBodies(mux))
	root.Handle("/", mux)
	return a.Metrics.Middleware(mux, a.Log, root)
}

// ready reports whether this instance can serve: the database answers and
// its schema is the one this binary expects.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	status := http.StatusOK
	if err := a.DB.R.PingContext(ctx); err != nil {
		checks["database"], status = "unreachable", http.StatusServiceUnavailable
	} else {
		checks["database"] = "ok"
	}
	cur, latest, err := a.DB.MigrationStatus(ctx)
	switch {
	case err != nil:
		checks["migrations"], status = "unknown", http.StatusServiceUnavailable
	case cur != latest:
		checks["migrations"], status = fmt.Sprintf("at %d, want %d", cur, latest), http.StatusServiceUnavailable
	default:
		checks["migrations"] = "current"
	}
	writeJSON(w, status, map[string]any{"status": map[bool]string{true: "ready", false: "not ready"}[status == http.StatusOK], "checks": checks})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Serve runs the HTTP server on ln and the job workers until ctx is done,
// then shuts down gracefully: it stops accepting, lets in-flight requests
// and jobs finish (up to 15 seconds), and returns.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	// Every serving process drops cached keys and capabilities when
	// another process changes them (PostgreSQL notifications).
	watch, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go a.Changes.Run(watch)
	// The checks' indexes are built now rather than by the first check.
	go func() {
		if err := a.Checks.Warm(watch); err != nil && watch.Err() == nil {
			a.Log.Warn("building the check indexes at start failed; the first check builds them", "error", err)
		}
	}()
	if a.Cfg.Workers > 0 {
		if err := a.Jobs.Start(ctx); err != nil {
			return fmt.Errorf("start workers: %w", err)
		}
		// The id river_leader names when this process runs the periodic jobs.
		a.Log.Info("workers started", "workers", a.Cfg.Workers, "job_client_id", a.Jobs.ID())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if a.Cfg.Workers > 0 {
		err = errors.Join(err, a.Jobs.Stop(sctx))
	}
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	return err
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }
