package app_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
)

// TestInputLimits sends what a careless or hostile client sends — bodies
// too big, batches too long, strings too long, JSON nested too deep,
// invalid UTF-8, the wrong content type, malformed JSON — to the write
// endpoints: each is a clear 4xx problem+json and nothing is stored.
func TestInputLimits(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	mp, key := s.tenant(t, "Alpha")
	raw := func(method, path, contentType string, body []byte) response {
		t.Helper()
		req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return response{Status: resp.StatusCode, Header: resp.Header, Raw: string(b)}
	}
	events := func(n int, title string) []byte {
		var evs []string
		for i := range n {
			evs = append(evs, fmt.Sprintf(`{"id":"big-%d","type":"listing.upserted","occurred_at":%q,"data":{"listing_id":"l%d","account_id":"u1","title":"%s","price":{"amount":100,"currency":"EUR"},"category":"bikes"}}`, i, evAt, i, strings.ReplaceAll(title, `"`, `\"`)))
		}
		return []byte(`{"events":[` + strings.Join(evs, ",") + `]}`)
	}
	deep := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	report := func(details string) []byte {
		return []byte(`{"target":{"type":"listing","id":"l1"},"reason":"other","reporter":{"id":"r1"},"details":` + details + `}`)
	}
	for _, c := range []struct {
		name, path, contentType string
		body                    []byte
		status                  int
	}{
		{"a body over the limit", "/v1/events", "application/json", bytes.Repeat([]byte(" "), 17<<20), 413},
		{"a batch over the limit", "/v1/events", "application/json", events(event.MaxBatch+1, "Bike"), 422},
		{"JSON nested too deep", "/v1/events", "application/json", []byte(`{"events":[{"id":"d1","type":"listing.upserted","occurred_at":"` + evAt + `","data":` + deep + `}]}`), 400},
		{"invalid UTF-8 in an event", "/v1/events", "application/json", events(1, "Bike \xff"), 422},
		{"invalid UTF-8", "/v1/reports", "application/json", report("\"caf\xe9\""), 422},
		{"details too long", "/v1/reports", "application/json", report(`"` + strings.Repeat("x", 20_000) + `"`), 422},
		{"the wrong content type", "/v1/reports", "text/plain", report(`"fine"`), 415},
		{"malformed JSON", "/v1/reports", "application/json", []byte(`{"target":`), 400},
		{"a listing check over its limit", "/v1/checks/listing", "application/json", bytes.Repeat([]byte(" "), 2<<20), 413},
	} {
		r := raw("POST", c.path, c.contentType, c.body)
		if r.Status != c.status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s, want %d problem+json: %.300s", c.name, r.Status, r.Header.Get("Content-Type"), c.status, r.Raw)
		}
	}
	// In a batch, an event the rules refuse is refused alone, by index and
	// field, and the others go on.
	r := raw("POST", "/v1/events", "application/json", events(1, strings.Repeat("x", 100_000)))
	if r.Status != 200 || !strings.Contains(r.Raw, `"accepted":0`) || !strings.Contains(r.Raw, `"field":"data.title"`) {
		t.Errorf("an event with a title too long: %d %s", r.Status, r.Raw)
	}
	n, err := s.DB.Counts(t.Context(), mp)
	if err != nil {
		t.Fatal(err)
	}
	if n.Events != 0 || n.Listings != 0 {
		t.Errorf("refused requests stored something: %+v", n)
	}
	if r, _, _ := s.DB.ReportsSince(t.Context(), mp, "r1", time.Time{}); r != 0 {
		t.Errorf("%d refused reports stored", r)
	}
}
