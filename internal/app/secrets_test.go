package app_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/obs"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// lockedBuffer is a log sink safe for the app's concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSecretsStayOutOfLogs runs everything that handles a secret — API
// calls with good, wrong and revoked keys, webhook subscriptions, secret
// rotation and deliveries that fail and succeed, console logins, a failed
// login and logout — with the log at debug level, and then looks for
// every secret in the log.
func TestSecretsStayOutOfLogs(t *testing.T) {
	logs := &lockedBuffer{}
	s := startLogging(t, app.Config{DB: storetest.DSN(t, store.SQLite), AllowPrivateWebhooks: true, Workers: 2}, obs.NewLogger(logs, slog.LevelDebug))
	mp, key := s.tenant(t, "Alpha")
	ctx := t.Context()
	system := audit.Actor{Type: audit.ActorSystem, ID: "test"}
	secrets := []string{key, strings.TrimPrefix(key, "vgl_")}

	s.do(t, "GET", "/v1/marketplace", key, nil).want(t, 200)
	s.do(t, "GET", "/v1/marketplace", key+"0", nil).want(t, 401)
	rcv := newReceiver(t)
	sub := s.do(t, "POST", "/v1/webhooks", key, map[string]any{"url": rcv.srv.URL + "/hook"}).want(t, 201)
	id := sub.Body["id"].(string)
	rotated := s.do(t, "POST", "/v1/webhooks/"+id+"/rotate-secret", key, map[string]any{"overlap": "1h"}).want(t, 200)
	secrets = append(secrets, sub.Body["secret"].(string), rotated.Body["secret"].(string))
	rcv.set(500, rotated.Body["secret"].(string))
	s.do(t, "POST", "/v1/webhooks/"+id+"/test", key, nil).want(t, 202)
	time.Sleep(300 * time.Millisecond) // a failed attempt, logged
	rcv.set(200, rotated.Body["secret"].(string))
	s.do(t, "POST", "/v1/webhooks/"+id+"/test", key, nil).want(t, 202)
	waitDelivery(t, s, key, id, "delivered")

	const password = "correct horse battery"
	if _, err := s.Users.Create(ctx, system, "ana", password, user.Admin, mp); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	post := func(path string, form url.Values) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	post("/console/login", url.Values{"username": {"ana"}, "password": {"wrong horse battery"}})
	post("/console/login", url.Values{"username": {"ana"}, "password": {password}})
	u, _ := url.Parse(s.URL + "/console/")
	var session string
	for _, ck := range jar.Cookies(u) {
		if strings.Contains(ck.Name, "session") {
			session = ck.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie after logging in")
	}
	secrets = append(secrets, session, password, "wrong horse battery")
	if resp, err := hc.Get(s.URL + "/console/"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("console with the session: %v %v", resp, err)
	}
	keys, err := s.DB.APIKeys(ctx, mp)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tenants.RevokeKey(ctx, system, mp, keys[0].ID); err != nil {
		t.Fatal(err)
	}
	s.do(t, "GET", "/v1/marketplace", key, nil).want(t, 401)

	got := logs.String()
	if !strings.Contains(got, `"console login"`) || !strings.Contains(got, "/v1/marketplace") {
		t.Fatalf("the log did not capture the requests, so the test proves nothing:\n%s", got)
	}
	for _, secret := range secrets {
		if strings.Contains(got, secret) {
			t.Errorf("a secret (%.8s…) is in the log", secret)
		}
	}
}
