package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxAttempts is how many times a message is tried in total: one initial
// attempt plus one retry per step of the Backoff schedule.
const MaxAttempts = 8

const (
	// responseSnippetBytes is how much of the endpoint's reply is kept for
	// the delivery log.
	responseSnippetBytes = 1 << 10
	// drainLimit bounds how much more of a reply is read so the connection
	// can be reused; beyond it closing is cheaper than reading.
	drainLimit = 64 << 10
	// defaultUserAgent identifies Vigil to endpoints when Sender.UserAgent
	// is empty, instead of Go's generic one.
	defaultUserAgent = "Vigil-Webhooks/1"
)

// Sender delivers signed webhooks. It is safe for concurrent use if Client is.
type Sender struct {
	// Client sends the requests. It should come from Guard.Client so that
	// the address policy is enforced when connecting; a nil Client fails
	// every delivery rather than silently falling back to an unguarded one.
	Client *http.Client
	// Now supplies the signing timestamp; nil means time.Now.
	Now func() time.Time
	// UserAgent is sent as User-Agent; empty means "Vigil-Webhooks/1".
	UserAgent string
}

// Result describes one delivery attempt, for the caller to record and to
// decide what happens next.
type Result struct {
	// StatusCode is the endpoint's HTTP status, 0 if no response arrived.
	StatusCode int
	// Duration is the wall time from sending to reading the start of the
	// response.
	Duration time.Duration
	// ResponseBody is at most the first 1 KiB of the response, as valid
	// UTF-8 so it can be stored and shown as text.
	ResponseBody string
	// Err is nil exactly when the endpoint answered 2xx.
	Err error
	// Retry reports whether the attempt may succeed later (408, 429, 5xx,
	// network errors, timeouts); false for permanent failures.
	Retry bool
	// Gone reports a 410 Gone response: the endpoint asks to be disabled.
	Gone bool
}

// Deliver POSTs body to endpoint, signed with each secret under msgID, and
// classifies the outcome. endpoint should have passed Guard.CheckURL when it
// was registered; at delivery time the policy is enforced by the Client.
func (s *Sender) Deliver(ctx context.Context, endpoint string, secrets []string, msgID string, body []byte) Result {
	if s.Client == nil {
		return Result{Err: errors.New("webhook: Sender.Client is nil; use Guard.Client")}
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	// Errors before the request is sent are permanent: a bad secret or URL
	// fails the same way on every retry.
	h, err := Headers(secrets, msgID, now(), body)
	if err != nil {
		return Result{Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return Result{Err: fmt.Errorf("webhook: building request: %w", err)}
	}
	maps.Copy(req.Header, h)
	ua := s.UserAgent
	if ua == "" {
		ua = defaultUserAgent
	}
	req.Header.Set("User-Agent", ua)

	start := time.Now()
	resp, err := s.Client.Do(req)
	if err != nil {
		// A refused target stays refused; anything else (DNS, connect,
		// timeout, too many redirects, cancellation) may clear up.
		return Result{Duration: time.Since(start), Err: err, Retry: !errors.Is(err, ErrForbiddenTarget)}
	}
	defer resp.Body.Close()
	// A failed read only shortens the snippet: the status is what counts.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, responseSnippetBytes))
	res := Result{
		StatusCode:   resp.StatusCode,
		Duration:     time.Since(start),
		ResponseBody: textSnippet(snippet),
	}
	_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)

	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return res
	case code == http.StatusGone:
		res.Gone = true
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		res.Retry = true
	case code >= 400:
		// The endpoint rejected this message; resending the same bytes
		// will not change its mind.
	default:
		// 1xx or an unfollowed 3xx: an odd reply, not a verdict.
		res.Retry = true
	}
	res.Err = fmt.Errorf("webhook: endpoint responded %d %s", code, http.StatusText(code))
	return res
}

// textSnippet turns the start of a response into valid UTF-8 of at most
// responseSnippetBytes: invalid bytes become U+FFFD (which can lengthen the
// text, hence the re-check of the limit) and a rune cut off by the read limit
// is dropped rather than shown as garbage.
func textSnippet(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 && utf8.FullRune(b) {
		r, size := utf8.DecodeRune(b)
		if sb.Len()+utf8.RuneLen(r) > responseSnippetBytes {
			break
		}
		sb.WriteRune(r)
		b = b[size:]
	}
	return sb.String()
}

// Backoff returns how long to wait before retry number attempt (1 = the first
// retry), following the Standard Webhooks schedule: 5s, 5m, 30m, 2h, 5h,
// 10h, 10h. Later attempts get the last value; attempt < 1 (the initial
// try) gets 0.
func Backoff(attempt int) time.Duration {
	schedule := [...]time.Duration{
		5 * time.Second,
		5 * time.Minute,
		30 * time.Minute,
		2 * time.Hour,
		5 * time.Hour,
		10 * time.Hour,
		10 * time.Hour,
	}
	switch {
	case attempt < 1:
		return 0
	case attempt > len(schedule):
		return schedule[len(schedule)-1]
	}
	return schedule[attempt-1]
}
