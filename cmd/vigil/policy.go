package main

import (
	"context"
	"fmt"
	"os"

	"github.com/vigil-ts/vigil/internal/policy"
)

// policyLint checks policy files the way PUT /v1/policy does, printing each
// problem as FILE:LINE:COLUMN: message (the shape editors jump to).
func (e env) policyLint(_ context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: vigil policy lint FILE…"}
	}
	bad := 0
	for _, name := range args {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		probs := policy.Lint(b)
		for _, p := range probs {
			fmt.Fprintf(e.stdout, "%s:%d:%d: %s\n", name, p.Line, p.Column, p.Message)
		}
		if len(probs) == 0 {
			fmt.Fprintf(e.stdout, "%s: ok\n", name)
		}
		bad += len(probs)
	}
	if bad > 0 {
		return fmt.Errorf("%d problem(s)", bad)
	}
	return nil
}
