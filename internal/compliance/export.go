package compliance

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/svc"
)

// MaxBatch is the most statements one page holds: the Transparency
// Database takes at most 100 per submission.
const MaxBatch = 100

// Service exports compliance records and reports.
type Service struct {
	svc.Deps
	// Appeals gives the appeal figures of the transparency report; nil
	// leaves them out.
	Appeals *appeal.Service
	// Policies gives the public area a labelled listing shows (R-C6),
	// the appeals service's; nil uses the built-in policy's.
	Policies *check.Policies
}

// New returns a Service.
func New(d svc.Deps, appeals *appeal.Service) *Service {
	s := &Service{Deps: d, Appeals: appeals}
	if appeals != nil {
		s.Policies = appeals.Policies
	}
	return s
}

// StatementBatch is one batch of statements of reasons and the cursor of the next.
type StatementBatch struct {
	// Statements are the Transparency Database records (format dsa) or
	// Vigil's own statements (format native), oldest first.
	Statements []json.RawMessage `json:"statements"`
	NextCursor string            `json:"next_cursor,omitempty" doc:"Pass as cursor for the next batch; empty on the last."`
}

// Statements returns the statements of reasons issued in [from, to), at
// most limit (≤ MaxBatch) after cursor, in the Transparency Database's
// format (dsa: no personal data) or Vigil's own (native, with the account
// and the redress offered).
func (s *Service) Statements(ctx context.Context, marketplaceID, format string, from, to time.Time, cursor string, limit int) (StatementBatch, error) {
	if limit <= 0 || limit > MaxBatch {
		limit = MaxBatch
	}
	after, afterID, err := decodeCursor(cursor)
	if err != nil {
		return StatementBatch{}, err
	}
	rows, err := s.DB.StatementsPage(ctx, marketplaceID, from, to, after, afterID, limit)
	if err != nil {
		return StatementBatch{}, err
	}
	p := StatementBatch{Statements: make([]json.RawMessage, 0, len(rows))}
	for _, r := range rows {
		if format != "dsa" {
			p.Statements = append(p.Statements, r.Content)
			continue
		}
		var st struct {
			DSA json.RawMessage `json:"dsa"`
		}
		if err := json.Unmarshal(r.Content, &st); err != nil {
			return StatementBatch{}, fmt.Errorf("statement %s: %w", r.ID, err)
		}
		p.Statements = append(p.Statements, st.DSA)
	}
	if len(rows) == limit {
		last := rows[len(rows)-1]
		p.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last.CreatedAt.UnixMicro(), 10) + "|" + last.ID))
	}
	return p, nil
}

// ErrCursor is a cursor this service did not give out.
var ErrCursor = errors.New("invalid cursor: pass next_cursor as it was given")

func decodeCursor(c string) (time.Time, string, error) {
	if c == "" {
		return time.UnixMicro(0).UTC(), "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	ts, id, ok := strings.Cut(string(b), "|")
	us, perr := strconv.ParseInt(ts, 10, 64)
	if err != nil || !ok || perr != nil {
		return time.Time{}, "", ErrCursor
	}
	return time.UnixMicro(us).UTC(), id, nil
}
