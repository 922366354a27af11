// Package proctest runs the real vigil binary for tests: it builds it,
// starts `vigil serve` subprocesses on a database and a port of their
// own, kills or stops them, and gives those tests a signature-checking
// webhook receiver and a few HTTP and SQL helpers. The crash and scale
// tests share it.
package proctest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/webhook"
)

// Build compiles the vigil command into a temporary directory of t and
// returns the binary's path.
func Build(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vigil")
	build := exec.Command("go", "build", "-o", bin, "github.com/vigil-ts/vigil/cmd/vigil")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Command runs the vigil binary without a VIGIL_ variable from the
// environment, so that only its flags configure it.
func Command(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VIGIL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

// ExitDetail adds a failed command's stderr to its error.
func ExitDetail(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("%w: %s", err, ee.Stderr)
	}
	return err
}

// FreeAddr returns a loopback address with a port nothing listens on.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Marketplace is what `vigil marketplace create` prints.
type Marketplace struct {
	ID     string `json:"id"`
	APIKey string `json:"api_key"`
}

// CreateMarketplace creates a marketplace with the CLI.
func CreateMarketplace(t testing.TB, bin, dsn, name string) Marketplace {
	t.Helper()
	out, err := Command(bin, "marketplace", "create", name, "--db", dsn).Output()
	if err != nil {
		t.Fatalf("vigil marketplace create: %v", ExitDetail(err))
	}
	var mp Marketplace
	if err := json.Unmarshal(out, &mp); err != nil || mp.APIKey == "" {
		t.Fatalf("vigil marketplace create printed %q (%v)", out, err)
	}
	return mp
}

// CreateUser creates a console user of a marketplace with the CLI and
// returns the user's id.
func CreateUser(t testing.TB, bin, dsn, marketplaceID, username, role, password string) string {
	t.Helper()
	cmd := Command(bin, "user", "create", "--db", dsn, "--username", username, "--role", role, "--marketplace", marketplaceID)
	cmd.Stdin = strings.NewReader(password + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vigil user create %s: %v", username, ExitDetail(err))
	}
	var u struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(out, &u); err != nil || u.ID == "" {
		t.Fatalf("vigil user create printed %q (%v)", out, err)
	}
	return u.ID
}

// Server is one `vigil serve` subprocess on a database and an address,
// which may be restarted on both after a kill. Its output goes to one log
// file, for Digest and Tail.
type Server struct {
	T              testing.TB
	Bin, DSN, Addr string
	// Log is the file the server's output is appended to.
	Log string
	// Args are the serve flags besides --addr and --db.
	Args   []string
	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan error
}

// NewServer returns a server of bin on dsn with its own free address and
// log file; Start runs it.
func NewServer(t testing.TB, bin, dsn string, args ...string) *Server {
	return &Server{T: t, Bin: bin, DSN: dsn, Addr: FreeAddr(t), Log: filepath.Join(t.TempDir(), "serve.log"), Args: args}
}

// Base is the server's URL.
func (s *Server) Base() string { return "http://" + s.Addr }

// Pid is the running server's process id, 0 when it is not running.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Start runs vigil serve and waits until it answers /healthz.
func (s *Server) Start() error {
	logf, err := os.OpenFile(s.Log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := Command(s.Bin, append([]string{"serve", "--addr", s.Addr, "--db", s.DSN}, s.Args...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// The server must not outlive a test process that dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			// Gone already: Kill and Stop have nothing to wait for.
			s.mu.Lock()
			s.cmd = nil
			s.mu.Unlock()
			return fmt.Errorf("vigil serve exited at start: %v\n%s", err, s.Tail())
		default:
		}
		if resp, err := http.Get(s.Base() + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("vigil serve not healthy after 30s\n%s", s.Tail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// take hands the running process, if any, to the caller that ends it.
func (s *Server) take() (*exec.Cmd, chan error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	return cmd, exited
}

// Kill SIGKILLs the server, if running, and waits for it to be gone.
func (s *Server) Kill() {
	cmd, exited := s.take()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
}

// Stop shuts the server down gracefully (SIGTERM), which must succeed
// within 30 seconds.
func (s *Server) Stop() {
	s.T.Helper()
	cmd, exited := s.take()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			s.T.Errorf("vigil serve after SIGTERM: %v\n%s", err, s.Tail())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		s.T.Errorf("vigil serve did not stop within 30s of SIGTERM\n%s", s.Tail())
	}
}

// Digest is the end of the server's log without the requests it
// answered below 400: what went wrong, and when.
func (s *Server) Digest() string {
	b, _ := os.ReadFile(s.Log)
	var keep []string
	for line := range strings.Lines(string(b)) {
		var r struct {
			Msg    string `json:"msg"`
			Status int    `json:"status"`
		}
		if json.Unmarshal([]byte(line), &r) == nil && r.Msg == "request" && r.Status < 400 {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep[max(len(keep)-80, 0):], "")
}

// Tail is the end of the server's log.
func (s *Server) Tail() string {
	b, _ := os.ReadFile(s.Log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Message is one webhook message the receiver verified.
type Message struct {
	// ID is the webhook-id header: one per delivery, the same on retries.
	ID   string
	Type string `json:"type"`
	Data json.RawMessage
}

// Receiver is a marketplace's webhook endpoint: it verifies each
// signature and keeps every message it verified and how often each id
// arrived.
type Receiver struct {
	// URL is where it listens; subscribe URL + "/hook".
	URL    string
	mu     sync.Mutex
	secret string
	seen   map[string]Message
	count  map[string]int
	posts  int
	bad    int
}

// NewReceiver starts a receiver, closed when the test ends.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{seen: map[string]Message{}, count: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var msg Message
		r.mu.Lock()
		defer r.mu.Unlock()
		r.posts++
		if err := webhook.Verify(r.secret, req.Header, body, time.Now(), 5*time.Minute); err != nil || json.Unmarshal(body, &msg) != nil {
			r.bad++
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		msg.ID = req.Header.Get("webhook-id")
		r.seen[msg.ID] = msg
		r.count[msg.ID]++
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

// SetSecret sets the subscription's signing secret the receiver checks.
func (r *Receiver) SetSecret(secret string) {
	r.mu.Lock()
	r.secret = secret
	r.mu.Unlock()
}

// Received returns the messages verified (by id), how many times each id
// arrived, and the posts and unverifiable posts in all.
func (r *Receiver) Received() (msgs map[string]Message, count map[string]int, posts, bad int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	msgs, count = make(map[string]Message, len(r.seen)), make(map[string]int, len(r.count))
	for id, m := range r.seen {
		msgs[id] = m
	}
	for id, n := range r.count {
		count[id] = n
	}
	return msgs, count, r.posts, r.bad
}

// Subscribe subscribes the receiver to a marketplace's eventTypes through
// the API at base and makes it check the subscription's secret.
func (r *Receiver) Subscribe(t testing.TB, base, key string, eventTypes ...string) {
	t.Helper()
	status, body, err := Post(http.DefaultClient, base+"/v1/webhooks", key, "",
		map[string]any{"url": r.URL + "/hook", "event_types": eventTypes})
	if err != nil || status != http.StatusCreated {
		t.Fatalf("subscribe: %d %v %s", status, err, body)
	}
	var sub struct {
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(body, &sub); err != nil || sub.Secret == "" {
		t.Fatalf("subscribe answered %s", body)
	}
	r.SetSecret(sub.Secret)
}

// Post sends body as JSON with an API key and, unless empty, an
// Idempotency-Key, and returns the answer's status and body.
func Post(c *http.Client, url, key, idempotencyKey string, body any) (int, []byte, error) {
	var h http.Header
	if idempotencyKey != "" {
		h = http.Header{"Idempotency-Key": {idempotencyKey}}
	}
	return Do(c, http.MethodPost, url, key, body, h)
}

// Do sends a request with an API key (unless empty), body as JSON (unless
// nil) and extra headers, and returns the answer's status and body.
func Do(c *http.Client, method, url, key string, body any, header http.Header) (int, []byte, error) {
	r, err := Send(c, method, url, key, body, header)
	return r.Status, r.Body, err
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Send is Do returning the answer's headers too.
func Send(c *http.Client, method, url, key string, body any, header http.Header) (Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return Response{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return Response{}, err
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: out}, err
}

// Scan runs a query on db's reader pool and calls row for each row with
// a function that scans it, failing the test on any error.
func Scan(t testing.TB, db *store.DB, query string, args []any, row func(scan func(...any))) {
	t.Helper()
	rows, err := db.R.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		row(func(dest ...any) {
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
