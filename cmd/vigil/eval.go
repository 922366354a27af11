package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/eval"
)

// evalCmd runs labelled examples through the real checks service, on a
// temporary database, and prints precision and recall per finding code,
// ending with the line "precision=P recall=R".
func (e env) evalCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("vigil eval", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	verbose := fs.Bool("v", false, "list the examples the checks got wrong")
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"usage: vigil eval [-v] FILE.jsonl…"}
	}
	examples, err := eval.LoadFiles(fs.Args()...)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "vigil-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	a, err := e.open(ctx, filepath.Join(dir, "eval.db"))
	if err != nil {
		return err
	}
	defer a.Close()
	mp, err := a.Tenants.CreateMarketplace(ctx, cliActor(), "eval")
	if err != nil {
		return err
	}
	actor := audit.Actor{Type: audit.ActorSystem, ID: "eval"}
	n := 0
	rep, err := eval.Score(examples, func(ex eval.Example) ([]string, error) {
		n++
		fn, data := evalRequest(ex, n)
		body, err := json.Marshal(data)
		if err != nil {
			return nil, err
		}
		res, err := fn(a.Checks)(ctx, mp.Marketplace.ID, actor, body, "")
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", ex.Source, ex.Line, err)
		}
		var codes []string
		for _, f := range res.Findings {
			if !slices.Contains(codes, f.Code) {
				codes = append(codes, f.Code)
			}
		}
		return codes, nil
	})
	if err != nil {
		return err
	}
	rep.Verbose = *verbose
	return rep.Write(e.stdout)
}

// evalRequest wraps an example's text in the check it names, with fresh
// ids so examples never interact (no duplicates, no rate limits).
func evalRequest(ex eval.Example, n int) (func(*check.Service) check.Func, map[string]any) {
	id := fmt.Sprintf("eval-%d", n)
	switch ex.Check {
	case "listing":
		return func(s *check.Service) check.Func { return s.Listing }, map[string]any{"listing_id": id, "account_id": "seller-" + id,
			"title": "Listing " + id, "description": ex.Text, "price": map[string]any{"amount": 10000, "currency": "EUR"},
			"category": "eval", "images": []map[string]any{{"url": "https://img.example.com/" + id + ".jpg"}}}
	case "review":
		return func(s *check.Service) check.Func { return s.Review }, map[string]any{"review_id": id, "order_id": "order-" + id,
			"author_id": "buyer-" + id, "subject_id": "seller-" + id, "rating": 4, "text": ex.Text}
	}
	return func(s *check.Service) check.Func { return s.Message }, map[string]any{"message_id": id, "conversation_id": "conv-" + id,
		"sender_id": "sender-" + id, "recipient_id": "recipient-" + id, "text": ex.Text}
}
