package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxJSONBody is the largest JSON request body any /v1 operation takes
// (an event batch); each operation sets its own, smaller or equal, limit.
const MaxJSONBody = 16 << 20

// ValidJSONBodies refuses a JSON request body that is not valid UTF-8
// with a 422 problem before any handler sees it: the JSON decoder would
// otherwise store U+FFFD in place of the bad bytes, changing the data
// without a word. Bodies over MaxJSONBody are 413. Other content types
// (image uploads) pass untouched.
func ValidJSONBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || !isJSON(r.Header.Get("Content-Type")) {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxJSONBody+1))
		r.Body.Close()
		switch {
		case err != nil:
			writeProblem(w, http.StatusBadRequest, "the request body could not be read: "+err.Error())
		case len(body) > MaxJSONBody:
			writeProblem(w, http.StatusRequestEntityTooLarge, "request body is too large: at most 16 MiB")
		case !utf8.Valid(body):
			writeProblem(w, http.StatusUnprocessableEntity, "the request body is not valid UTF-8; nothing was stored")
		default:
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(bodyRead{w}, r)
		}
	})
}

// bodyRead is the response of a request whose body has been read in
// full. Go's server reads the connection in the background from then on,
// so a read deadline set now — Huma sets one (5s) before decoding the
// body — would time that read out, and the server would cancel the
// connection's context: the request still running at the deadline and
// every later request on the keep-alive connection would fail at once
// with 499. The deadline is moot with the body in memory; drop it.
type bodyRead struct{ http.ResponseWriter }

// SetReadDeadline ignores the deadline: the body is already read.
func (bodyRead) SetReadDeadline(time.Time) error { return nil }

// Unwrap gives http.ResponseController the server's writer.
func (w bodyRead) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// writeProblem writes an RFC 9457 problem outside Huma.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
}
