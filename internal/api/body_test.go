package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// TestBodyReadDeadlineKeepsConnection: a handler that sets a body read
// deadline, as Huma does, and outlives it must not get its context
// cancelled, nor poison the keep-alive connection for the next request.
func TestBodyReadDeadlineKeepsConnection(t *testing.T) {
	srv := httptest.NewServer(ValidJSONBodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		huma.SetReadDeadline(w, time.Now().Add(20*time.Millisecond))
		io.ReadAll(r.Body)
		select {
		case <-time.After(100 * time.Millisecond):
			w.WriteHeader(http.StatusCreated)
		case <-r.Context().Done():
			w.WriteHeader(499)
		}
	})))
	defer srv.Close()
	for i := range 3 {
		resp, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader(`{"n":1}`))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("request %d on one connection: %d, want 201", i+1, resp.StatusCode)
		}
	}
}
