package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/vigil-ts/vigil/internal/event"
)

// SearchHit is an item of a marketplace that a console search found.
type SearchHit struct {
	// Type is account, listing or case.
	Type string
	ID   string
	// Via is what matched: id, reference (a report filed in the case),
	// email or phone (a contact point seen for the account).
	Via string
	// Reference is the report's reference when Via is reference.
	Reference string
}

// SearchQuery is what a console search looks for in one marketplace.
// Every field is matched exactly; an empty one is not looked for.
type SearchQuery struct {
	MarketplaceID string
	// ID is an account's, a listing's or a case's id. An account matches
	// when Vigil has its data, its enforcement standing or an open case
	// on it: when it has a console page.
	ID string
	// Reference is a report's reference, as stored (see
	// cases.NormaliseReference).
	Reference string
	// Email and Phone are contact points normalised as identifiers are
	// stored (event.NormaliseIdentifier).
	Email, Phone string
	// Limit bounds the hits (many accounts may share a phone number):
	// 0 means 50, at most 200.
	Limit int
}

// Search returns the items of q's marketplace that q names, each once,
// by type and id. Every lookup uses a primary key or an index that
// starts with the marketplace: accounts, enforcement_states, listings,
// cases (cases_open_target), reports (its unique reference) and
// account_identifiers.
func (c conn) Search(ctx context.Context, q SearchQuery) ([]SearchHit, error) {
	args := []any{q.MarketplaceID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var parts []string
	if q.ID != "" {
		id := arg(q.ID)
		parts = append(parts,
			`SELECT 'account' AS type, id, 'id' AS via, '' AS reference FROM accounts WHERE marketplace_id = $1 AND id = `+id,
			`SELECT 'account', account_id, 'id', '' FROM enforcement_states WHERE marketplace_id = $1 AND account_id = `+id+` AND version > 0`,
			`SELECT 'account', target_id, 'id', '' FROM cases WHERE marketplace_id = $1 AND target_type = 'account' AND target_id = `+id+
				` AND status IN ('pending', 'reviewing')`,
			`SELECT 'listing', id, 'id', '' FROM listings WHERE marketplace_id = $1 AND id = `+id,
			`SELECT 'case', id, 'id', '' FROM cases WHERE marketplace_id = $1 AND id = `+id)
	}
	if q.Reference != "" {
		parts = append(parts, `SELECT 'case', case_id, 'reference', reference FROM reports WHERE marketplace_id = $1 AND reference = `+arg(q.Reference))
	}
	for _, cp := range [][2]string{{event.IDEmail, q.Email}, {event.IDPhone, q.Phone}} {
		if cp[1] != "" {
			parts = append(parts, fmt.Sprintf(`SELECT 'account', account_id, kind, '' FROM account_identifiers
				WHERE marketplace_id = $1 AND kind = %s AND value = %s`, arg(cp[0]), arg(cp[1])))
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	limit := q.Limit
	if limit == 0 {
		limit = 50
	}
	rows, err := c.q.QueryContext(ctx, strings.Join(parts, "\nUNION\n")+fmt.Sprintf("\nORDER BY 1, 2, 3 LIMIT %d", clampLimit(limit, 200)), args...)
	hits, err := collect(rows, err, func(rows *sql.Rows) (SearchHit, error) {
		var h SearchHit
		err := rows.Scan(&h.Type, &h.ID, &h.Via, &h.Reference)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	// An item found two ways (an account by its id and its standing, a
	// case by two of its reports) is one hit.
	seen := map[[2]string]bool{}
	out := hits[:0]
	for _, h := range hits {
		if k := [2]string{h.Type, h.ID}; !seen[k] {
			seen[k] = true
			out = append(out, h)
		}
	}
	return out, nil
}
