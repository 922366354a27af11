package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// testSecret is the secret of the Standard Webhooks specification's example.
const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

const testBody = `{"type":"listing.flagged","data":{"id":"lst_1"}}`

// newServer starts a loopback test server that is shut down with the test.
func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// status answers every request with code and a short body.
func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		io.WriteString(w, "reply")
	}
}

func TestDeliverRefusesLoopbackByDefault(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) })
	// No CheckURL here: the refusal must come from the dialer itself.
	s := &Sender{Client: Guard{}.Client(5 * time.Second)}
	res := s.Deliver(context.Background(), srv.URL, []string{testSecret}, "msg_1", []byte(testBody))
	if !errors.Is(res.Err, ErrForbiddenTarget) {
		t.Fatalf("Err = %v, want ErrForbiddenTarget", res.Err)
	}
	if res.Retry || res.Gone || res.StatusCode != 0 {
		t.Fatalf("Result = %+v, want a permanent failure without a response", res)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("server was hit %d times", n)
	}
}

func TestDeliverSigned(t *testing.T) {
	sent := time.Unix(1_750_000_000, 0)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading body: %v", err)
		}
		switch {
		case r.Method != http.MethodPost:
			t.Errorf("method = %s, want POST", r.Method)
		case r.Header.Get("User-Agent") != "vigil-test":
			t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
		case r.Header.Get("Content-Type") != "application/json":
			t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
		case r.Header.Get("webhook-id") != "msg_1":
			t.Errorf("webhook-id = %q", r.Header.Get("webhook-id"))
		}
		if err := Verify(testSecret, r.Header, body, sent.Add(time.Minute), 5*time.Minute); err != nil {
			t.Errorf("Verify: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	s := &Sender{
		Client:    Guard{AllowPrivate: true}.Client(5 * time.Second),
		Now:       func() time.Time { return sent },
		UserAgent: "vigil-test",
	}
	res := s.Deliver(context.Background(), srv.URL+"/hooks", []string{testSecret}, "msg_1", []byte(testBody))
	if res.Err != nil || res.StatusCode != http.StatusNoContent || res.Retry || res.Gone {
		t.Fatalf("Result = %+v, want a 204 success", res)
	}
	if res.Duration <= 0 {
		t.Errorf("Duration = %v, want > 0", res.Duration)
	}
}

func TestDeliverStatus(t *testing.T) {
	tests := []struct {
		code        int
		ok          bool
		retry, gone bool
	}{
		{code: http.StatusOK, ok: true},
		{code: http.StatusAccepted, ok: true},
		{code: http.StatusNoContent, ok: true},
		{code: http.StatusGone, gone: true},
		{code: http.StatusBadRequest},
		{code: http.StatusUnauthorized},
		{code: http.StatusNotFound},
		{code: http.StatusRequestEntityTooLarge},
		{code: http.StatusRequestTimeout, retry: true},
		{code: http.StatusTooManyRequests, retry: true},
		{code: http.StatusInternalServerError, retry: true},
		{code: http.StatusBadGateway, retry: true},
		{code: http.StatusServiceUnavailable, retry: true},
		{code: http.StatusNotModified, retry: true},
	}
	s := &Sender{Client: Guard{AllowPrivate: true}.Client(5 * time.Second)}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.code), func(t *testing.T) {
			srv := newServer(t, status(tt.code))
			res := s.Deliver(context.Background(), srv.URL, []string{testSecret}, "msg_1", []byte(testBody))
			if res.StatusCode != tt.code || res.Retry != tt.retry || res.Gone != tt.gone {
				t.Fatalf("Result = %+v, want status %d retry=%v gone=%v", res, tt.code, tt.retry, tt.gone)
			}
			if tt.ok != (res.Err == nil) {
				t.Fatalf("Err = %v, want success=%v", res.Err, tt.ok)
			}
			if res.Err != nil && !strings.Contains(res.Err.Error(), http.StatusText(tt.code)) {
				t.Errorf("Err = %q, want it to name the status", res.Err)
			}
		})
	}
}

func TestDeliverResponseBody(t *testing.T) {
	// The 1024th byte is the first half of "é", which must not leak into
	// the snippet as a broken rune.
	reply := strings.Repeat("a", 1023) + "é" + strings.Repeat("b", 5000)
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, reply)
	})
	s := &Sender{Client: Guard{AllowPrivate: true}.Client(5 * time.Second)}
	res := s.Deliver(context.Background(), srv.URL, []string{testSecret}, "msg_1", []byte(testBody))
	if want := strings.Repeat("a", 1023); res.ResponseBody != want {
		t.Fatalf("ResponseBody has %d bytes %q..., want 1023 a's", len(res.ResponseBody), res.ResponseBody[:min(10, len(res.ResponseBody))])
	}
}

func TestTextSnippet(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii", "ok", "ok"},
		{"multibyte", "héllo ✓", "héllo ✓"},
		{"invalid bytes replaced", "a\xffb", "a\uFFFDb"},
		{"cut rune dropped", "ok\xe2\x9c", "ok"},
		{"truncated rune mid-text replaced", "a\xe2\x9cb", "a\uFFFD\uFFFDb"},
		{"replacements respect the limit", strings.Repeat("a\xff", 512), strings.Repeat("a\uFFFD", 256)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := textSnippet([]byte(tt.in))
			if got != tt.want {
				t.Errorf("textSnippet = %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) || len(got) > responseSnippetBytes {
				t.Errorf("textSnippet returned %d bytes, valid=%v", len(got), utf8.ValidString(got))
			}
		})
	}
}

func TestDeliverRedirects(t *testing.T) {
	var forbiddenHits atomic.Int32
	forbidden := newServer(t, func(w http.ResponseWriter, _ *http.Request) { forbiddenHits.Add(1) })
	_, forbiddenPort, err := net.SplitHostPort(strings.TrimPrefix(forbidden.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}

	var hits atomic.Int32
	allowed := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/to-forbidden":
			// Same loopback address, but under a name that is not on the
			// allow-list, so only the redirect check can catch it.
			http.Redirect(w, r, "http://localhost:"+forbiddenPort+"/", http.StatusTemporaryRedirect)
		case "/to-final":
			http.Redirect(w, r, "/final", http.StatusTemporaryRedirect)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/final":
			body, _ := io.ReadAll(r.Body)
			if err := Verify(testSecret, r.Header, body, time.Now(), time.Minute); err != nil {
				t.Errorf("redirected delivery: Verify: %v", err)
			}
			w.WriteHeader(http.StatusOK)
		}
	})
	guard := Guard{
		AllowHosts: []string{"127.0.0.1"},
		Resolver:   fakeResolver{"localhost": {"127.0.0.1"}},
	}
	s := &Sender{Client: guard.Client(5 * time.Second)}

	t.Run("to forbidden target", func(t *testing.T) {
		res := s.Deliver(context.Background(), allowed.URL+"/to-forbidden", []string{testSecret}, "msg_1", []byte(testBody))
		if !errors.Is(res.Err, ErrForbiddenTarget) || res.Retry {
			t.Fatalf("Result = %+v, want a permanent ErrForbiddenTarget", res)
		}
		// The dialer would name only the IP; the URL shows the redirect
		// check caught it before any connection.
		if !strings.Contains(res.Err.Error(), `"http://localhost:`) {
			t.Errorf("Err = %v, want the redirect check's refusal", res.Err)
		}
		if n := forbiddenHits.Load(); n != 0 {
			t.Fatalf("forbidden server was hit %d times", n)
		}
	})
	t.Run("to allowed target", func(t *testing.T) {
		res := s.Deliver(context.Background(), allowed.URL+"/to-final", []string{testSecret}, "msg_1", []byte(testBody))
		if res.Err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("Result = %+v, want a 200 after the redirect", res)
		}
	})
	t.Run("loop stops after 3", func(t *testing.T) {
		hits.Store(0)
		res := s.Deliver(context.Background(), allowed.URL+"/loop", []string{testSecret}, "msg_1", []byte(testBody))
		if res.Err == nil || errors.Is(res.Err, ErrForbiddenTarget) || !res.Retry {
			t.Fatalf("Result = %+v, want a retryable redirect error", res)
		}
		if n := hits.Load(); n != 1+maxRedirects {
			t.Fatalf("server was hit %d times, want %d", n, 1+maxRedirects)
		}
	})
}

func TestDeliverTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before srv.Close
	s := &Sender{Client: Guard{AllowPrivate: true}.Client(50 * time.Millisecond)}
	res := s.Deliver(context.Background(), srv.URL, []string{testSecret}, "msg_1", []byte(testBody))
	var netErr net.Error
	if !errors.As(res.Err, &netErr) || !netErr.Timeout() {
		t.Fatalf("Err = %v, want a timeout", res.Err)
	}
	if !res.Retry || res.StatusCode != 0 {
		t.Fatalf("Result = %+v, want a retryable failure without a response", res)
	}
}

func TestDeliverPermanentSetupErrors(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) })
	client := Guard{AllowPrivate: true}.Client(5 * time.Second)
	tests := []struct {
		name   string
		sender *Sender
		url    string
		secret string
	}{
		{"bad secret", &Sender{Client: client}, srv.URL, "not-a-secret"},
		{"bad URL", &Sender{Client: client}, "http://[::1", testSecret},
		{"nil client", &Sender{}, srv.URL, testSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.sender.Deliver(context.Background(), tt.url, []string{tt.secret}, "msg_1", []byte(testBody))
			if res.Err == nil || res.Retry {
				t.Fatalf("Result = %+v, want a permanent error", res)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("server was hit %d times", n)
	}
}

func TestClientConfiguration(t *testing.T) {
	c := Guard{}.Client(0)
	if c.Timeout != defaultTimeout {
		t.Errorf("Timeout = %v, want default %v", c.Timeout, defaultTimeout)
	}
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("Transport is %T", c.Transport)
	}
	// A proxy would make the connection for us, out of the dialer's sight.
	if tr.Proxy != nil {
		t.Error("Transport.Proxy is set")
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{
		0,
		5 * time.Second,
		5 * time.Minute,
		30 * time.Minute,
		2 * time.Hour,
		5 * time.Hour,
		10 * time.Hour,
		10 * time.Hour,
	}
	for attempt, d := range want {
		if got := Backoff(attempt); got != d {
			t.Errorf("Backoff(%d) = %v, want %v", attempt, got, d)
		}
	}
	for _, attempt := range []int{-1, MaxAttempts, 100} {
		if got, want := Backoff(attempt), Backoff(min(max(attempt, 0), MaxAttempts-1)); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", attempt, got, want)
		}
	}
	// want lists the initial try and then one entry per retry.
	if len(want) != MaxAttempts {
		t.Errorf("MaxAttempts = %d, want %d", MaxAttempts, len(want))
	}
}
