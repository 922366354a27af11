package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/api"
	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/obs"
	"github.com/vigil-ts/vigil/internal/user"
)

// version is the release; set with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const usage = `Vigil — trust & safety engine for online marketplaces.

Usage:
  vigil serve [--addr HOST:PORT] [--db PATH|URL] [--demo] [--workers N]
              [--allow-private-webhooks] [--secure-cookies] [--job-timeout D]
              [--kafka-brokers H:P,… --kafka-topic T --kafka-marketplace ID
               [--kafka-group vigil] [--kafka-dead-letter-topic T]]
                                               with --kafka-*: also ingests the topic's
                                               records (one event envelope each)
  vigil migrate [--db …]
  vigil backup [--db …] [--force] FILE         an online, consistent copy of a SQLite
                                               database (PostgreSQL: use pg_dump)
  vigil marketplace create NAME [--db …]       prints {"id","api_key"}
  vigil user create --username U --role ROLE [--marketplace ID] [--db …]
                                               reads the password from stdin
  vigil audit verify [--db …]                  exits non-zero on a broken chain
  vigil audit verify --file EXPORT.jsonl       checks an export without the database
  vigil audit export --marketplace ID [--from T] [--to T] [--out FILE] [--db …]
                                               the audit log of [from, to) as JSON lines
  vigil export labels --marketplace ID [--from T] [--to T] [--all] [--out FILE] [--db …]
                                               judged decisions with their human outcome
                                               (upheld/overturned) as JSON lines, for training
  vigil policy lint FILE…                      checks policy documents (YAML)
  vigil risk recompute [--marketplace ID] [--write] [--db …]
                                               rebuilds signal state from the events; exits
                                               non-zero if it differs from the stored state
  vigil risk refresh [--db …]                  computes the scores waiting for a refresh now
  vigil eval [-v] FILE.jsonl…                  precision and recall of the checks on labelled examples
  vigil demo [--db …]                          loads the demo marketplace
  vigil bench all [--data PATH|URL] [--db …] [--requests N] [--clients N] [--out DIR] [--cpuprofile FILE]
                                               every benchmark beside a no-op handler: table, JSON, SVG
  vigil bench memory|queue|console|capabilities|checks|reports|ingest [same flags]
  vigil bench generate --db PATH|URL [--listings N] [--cases N] [--accounts N] [--seed N]
                                               a marketplace of that size, for --data
  vigil bench soak [--duration 10m] [--fraction 0.5] [--db …]
                                               mixed traffic at half the measured maximum: errors, memory growth
  vigil version

Times T are RFC 3339 or YYYY-MM-DD (midnight UTC).
--db defaults to $VIGIL_DB, else ./vigil.db (SQLite). Roles: agent,
senior_moderator, appeals_reviewer, admin.
`

// usageError is a mistake in the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// env is what every command gets from the process.
type env struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run is the whole program; main only supplies the process's context, args
// and streams, so tests can run any command in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return e.serve(ctx, rest)
	case "migrate":
		return e.migrate(ctx, rest)
	case "backup":
		return e.backup(ctx, rest)
	case "marketplace":
		return e.sub(ctx, "marketplace", rest, map[string]func(context.Context, []string) error{"create": e.marketplaceCreate})
	case "user":
		return e.sub(ctx, "user", rest, map[string]func(context.Context, []string) error{"create": e.userCreate})
	case "audit":
		return e.sub(ctx, "audit", rest, map[string]func(context.Context, []string) error{"verify": e.auditVerify, "export": e.auditExport})
	case "export":
		return e.sub(ctx, "export", rest, map[string]func(context.Context, []string) error{"labels": e.exportLabels})
	case "policy":
		return e.sub(ctx, "policy", rest, map[string]func(context.Context, []string) error{"lint": e.policyLint})
	case "risk":
		return e.sub(ctx, "risk", rest, map[string]func(context.Context, []string) error{"recompute": e.riskRecompute, "refresh": e.riskRefresh})
	case "eval":
		return e.evalCmd(ctx, rest)
	case "demo":
		return e.demo(ctx, rest)
	case "bench":
		return e.bench(ctx, rest)
	case "version", "--version":
		fmt.Fprintln(stdout, "vigil", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

func (e env) sub(ctx context.Context, name string, args []string, cmds map[string]func(context.Context, []string) error) error {
	if len(args) > 0 {
		if fn, ok := cmds[args[0]]; ok {
			return fn(ctx, args[1:])
		}
	}
	var names []string
	for k := range cmds {
		names = append(names, k)
	}
	return usageError{fmt.Sprintf("usage: vigil %s %s …", name, strings.Join(names, "|"))}
}

// flags starts a command's flag set with the shared --db flag.
func (e env) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("vigil "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := e.getenv("VIGIL_DB")
	if def == "" {
		def = "vigil.db"
	}
	db := fs.String("db", def, "SQLite file path or postgres:// URL (env VIGIL_DB)")
	return fs, db
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

func (e env) logger() *slog.Logger {
	level := slog.LevelInfo
	if e.getenv("VIGIL_LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	return obs.NewLogger(e.stderr, level)
}

// open opens the app for a one-off command: no workers, quiet logs.
func (e env) open(ctx context.Context, db string) (*app.App, error) {
	return app.Open(ctx, app.Config{DB: db, Version: version}, obs.NewLogger(e.stderr, slog.LevelWarn))
}

// cliActor is who the audit log names for changes made with the CLI.
func cliActor() audit.Actor { return audit.Actor{Type: audit.ActorSystem, ID: "cli"} }

func (e env) serve(ctx context.Context, args []string) error {
	fs, db := e.flags("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	demo := fs.Bool("demo", false, "load the demo marketplace before serving")
	workers := fs.Int("workers", 4, "concurrent background jobs (0: this process runs none)")
	jobTimeout := fs.Duration("job-timeout", time.Minute, "longest a background job may run; a job left running by a crashed process is retried 10s after it")
	private := fs.Bool("allow-private-webhooks", e.getenv("VIGIL_ALLOW_PRIVATE_WEBHOOKS") == "1", "allow webhook targets and image URLs on private or loopback addresses")
	secure := fs.Bool("secure-cookies", false, "mark console cookies Secure (when served over HTTPS)")
	keyRate := fs.Float64("api-rate", 10000, "requests per second each API key may sustain in this process (0: no limit)")
	keyBurst := fs.Int("api-burst", 20000, "requests an API key may send at once above its rate")
	sweepEvery := fs.Duration("sweep-interval", 30*time.Second, "advanced: how often the leader queues the sweeps of claims, SLAs, sanctions and appeals (freshness: every tenth sweep)")
	kf := defineKafkaFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	kcfg, err := kf.config()
	if err != nil {
		return err
	}
	log := e.logger()
	a, err := app.Open(ctx, app.Config{DB: *db, Workers: *workers, JobTimeout: *jobTimeout, AllowPrivateWebhooks: *private, SecureCookies: *secure, Version: version,
		KeyRate: api.RateLimit{PerSecond: *keyRate, Burst: *keyBurst}, SweepInterval: *sweepEvery}, log)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	if *demo {
		if err := e.loadDemo(ctx, a, base); err != nil {
			ln.Close()
			return err
		}
	}
	stopKafka, err := startKafka(ctx, a, kcfg)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopKafka()
	log.Info("listening", "addr", ln.Addr().String(), "db", a.DB.Dialect, "console", base+"/console/")
	fmt.Fprintf(e.stdout, "Vigil %s listening on %s (console: %s/console/)\n", version, base, base)
	return a.Serve(ctx, ln)
}

// command runs a one-off command: it parses the shared --db flag plus those
// define adds, opens the app on that database and runs body with it.
func (e env) command(ctx context.Context, name string, args []string, define func(*flag.FlagSet), body func(*app.App, *flag.FlagSet) error) error {
	fs, db := e.flags(name)
	if define != nil {
		define(fs)
	}
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	a, err := e.open(ctx, *db)
	if err != nil {
		return err
	}
	defer a.Close()
	return body(a, fs)
}

func (e env) migrate(ctx context.Context, args []string) error {
	return e.command(ctx, "migrate", args, nil, func(a *app.App, _ *flag.FlagSet) error {
		cur, _, err := a.DB.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "schema at version %d\n", cur)
		return nil
	})
}

func (e env) marketplaceCreate(ctx context.Context, args []string) error {
	return e.command(ctx, "marketplace create", args, nil, func(a *app.App, fs *flag.FlagSet) error {
		if fs.NArg() != 1 {
			return usageError{"usage: vigil marketplace create NAME [--db …]"}
		}
		c, err := a.Tenants.CreateMarketplace(ctx, cliActor(), fs.Arg(0))
		if err != nil {
			return err
		}
		return json.NewEncoder(e.stdout).Encode(map[string]string{"id": c.Marketplace.ID, "name": c.Marketplace.Name, "api_key": c.Secret})
	})
}

// reorder moves flags before positional arguments, so that
// "create NAME --db x" parses like "create --db x NAME".
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func (e env) userCreate(ctx context.Context, args []string) error {
	var username, role, mp *string
	define := func(fs *flag.FlagSet) {
		username = fs.String("username", "", "login name")
		role = fs.String("role", "", "agent, senior_moderator, appeals_reviewer or admin")
		mp = fs.String("marketplace", "", "marketplace id (empty: operator user for every marketplace)")
	}
	return e.command(ctx, "user create", args, define, func(a *app.App, _ *flag.FlagSet) error {
		if *username == "" || *role == "" {
			return usageError{"usage: vigil user create --username U --role ROLE [--marketplace ID] (password on stdin)"}
		}
		r, err := user.ParseRole(*role)
		if err != nil {
			return usageError{err.Error()}
		}
		password, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		u, err := a.Users.Create(ctx, cliActor(), *username, strings.TrimRight(password, "\r\n"), r, *mp)
		if err != nil {
			return err
		}
		return json.NewEncoder(e.stdout).Encode(map[string]string{"id": u.ID, "username": u.Username, "role": u.Role})
	})
}

// verifyChains verifies every audit chain, reporting each on stdout.
func (e env) verifyChains(ctx context.Context, a *app.App) error {
	chains, err := a.DB.AuditChains(ctx)
	if err != nil {
		return err
	}
	var total int64
	for _, c := range chains {
		n, err := a.DB.VerifyAuditChain(ctx, c)
		name := c
		if name == audit.SystemChain {
			name = "(system)"
		}
		if err != nil {
			fmt.Fprintf(e.stdout, "chain %s: BROKEN after %d good entries: %v\n", name, n, err)
			return err
		}
		fmt.Fprintf(e.stdout, "chain %s: %d entries verified\n", name, n)
		total += n
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d chains, %d entries\n", len(chains), total)
	return nil
}
