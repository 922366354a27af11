package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/vigil-ts/vigil/internal/store"
)

// pgBackupHelp is what vigil backup says about a PostgreSQL database.
const pgBackupHelp = `vigil backup copies SQLite databases. Back up PostgreSQL with its own tools:
  pg_dump --format=custom --file=vigil.dump postgres://…/vigil
and restore into a new database:
  createdb vigil_restored
  pg_restore --no-owner --dbname=postgres://…/vigil_restored vigil.dump
then check the restored audit log:
  vigil audit verify --db postgres://…/vigil_restored
`

// backup writes an online, consistent copy of a SQLite database. It opens
// the store without migrating: a backup is what one takes before an
// upgrade, so it must copy the schema as it is.
func (e env) backup(ctx context.Context, args []string) error {
	set, db := e.flags("backup")
	replace := set.Bool("force", false, "replace FILE if it exists")
	pos, err := parseInterleaved(set, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"usage: vigil backup [--db …] [--force] FILE"}
	}
	if store.DialectOf(*db) == store.Postgres {
		fmt.Fprint(e.stderr, pgBackupHelp)
		return store.ErrNoOnlineBackup
	}
	// Opening a missing file would create an empty database to back up.
	path, err := store.SQLitePath(*db)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(ctx, pos[0], *replace); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w (--force replaces it)", err)
		}
		return err
	}
	info, err := os.Stat(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes)\n", path, pos[0], info.Size())
	return nil
}

// parseInterleaved parses flags that may come before, between or after
// the positional arguments, which it returns. Unlike reorder it knows
// which flags are booleans, so "--force FILE" keeps FILE positional.
func parseInterleaved(set *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(set, args); err != nil {
			return nil, err
		}
		if set.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, set.Arg(0))
		args = set.Args()[1:]
	}
}
