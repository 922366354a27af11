package compliance

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
)

// AuditLog writes a chain's audit entries made in [from, to) to w, one
// JSON entry per line in sequence order (R-C5): who decided what, when,
// with each entry's hash and its link to the one before, so that
// audit.VerifyExport (vigil audit verify --file) checks the export
// without the database. The entries are the contiguous stretch of
// store.AuditSpan. It returns how many it wrote.
func (s *Service) AuditLog(ctx context.Context, chain string, from, to time.Time, w io.Writer) (int, error) {
	first, last, err := s.DB.AuditSpan(ctx, chain, from, to)
	if err != nil || first == 0 {
		return 0, err
	}
	enc := json.NewEncoder(w)
	n := 0
	err = s.DB.ScanAuditQuery(ctx, store.AuditQuery{Chain: chain, AfterSeq: first - 1, Through: last}, func(e audit.Entry) error {
		n++
		return enc.Encode(e)
	})
	return n, err
}
