package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// maxCached bounds each SQLite connection's statement cache: queries built
// at run time (a filter set, an IN list) must not grow it without end.
const maxCached = 256

// cachingConnector opens SQLite connections that keep their prepared
// statements by query text, so that a query is parsed once per connection
// rather than on every call. Parsing was a fifth of the CPU of a listing
// decision, most of it in River's job inserts and in reader queries that
// no one prepares. PostgreSQL needs none: pgx caches per connection.
type cachingConnector struct {
	dsn string
	d   driver.Driver
}

// Connect opens one connection.
func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	inner, err := c.d.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newCachingConn(inner)
}

// Driver returns the underlying driver.
func (c cachingConnector) Driver() driver.Driver { return c.d }

// sqliteConn is what cachingConn needs of a driver connection; modernc's
// has it all.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// contextStmt is what cachingConn needs of a prepared statement.
type contextStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// cachedStmt is one cached statement; busy while rows read from it are
// open, when the same query runs unprepared beside it.
type cachedStmt struct {
	query string
	stmt  contextStmt
	busy  bool
	elem  *list.Element
}

// cachingConn is a connection with a least-recently-used statement cache.
// database/sql uses a connection from one goroutine at a time, so it needs
// no lock.
type cachingConn struct {
	sqliteConn
	byQuery map[string]*cachedStmt
	// lru orders the cached statements, most recently used first.
	lru list.List
}

func newCachingConn(inner driver.Conn) (driver.Conn, error) {
	c, ok := inner.(sqliteConn)
	if !ok {
		inner.Close()
		return nil, errors.New("sqlite driver connection lacks a context method")
	}
	return &cachingConn{sqliteConn: c, byQuery: map[string]*cachedStmt{}}, nil
}

// get returns query's cached statement, preparing it if need be, or nil
// when it is busy or cannot be prepared (the query then runs unprepared,
// and reports its own error).
func (c *cachingConn) get(ctx context.Context, query string) *cachedStmt {
	if s := c.byQuery[query]; s != nil {
		if s.busy {
			return nil
		}
		c.lru.MoveToFront(s.elem)
		return s
	}
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	full, ok := st.(contextStmt)
	if !ok {
		st.Close()
		return nil
	}
	s := &cachedStmt{query: query, stmt: full}
	s.elem = c.lru.PushFront(s)
	c.byQuery[query] = s
	c.evict()
	return s
}

// evict closes the least recently used idle statements beyond maxCached.
func (c *cachingConn) evict() {
	for e := c.lru.Back(); e != nil && len(c.byQuery) > maxCached; {
		prev := e.Prev()
		if s := e.Value.(*cachedStmt); !s.busy {
			c.lru.Remove(e)
			delete(c.byQuery, s.query)
			s.stmt.Close()
		}
		e = prev
	}
}

// ExecContext runs query through its cached statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := c.get(ctx, query); s != nil {
		return s.stmt.ExecContext(ctx, args)
	}
	return c.sqliteConn.ExecContext(ctx, query, args)
}

// QueryContext runs query through its cached statement, which stays busy
// until the rows are closed.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.get(ctx, query)
	if s == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	r, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	typed, ok := r.(typedRows)
	if !ok {
		typed = untypedRows{r}
	}
	s.busy = true
	return &cachedRows{typedRows: typed, s: s}, nil
}

// Close closes every cached statement and the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for _, s := range c.byQuery {
		errs = append(errs, s.stmt.Close())
	}
	c.byQuery = nil
	c.lru.Init()
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// typedRows are rows that describe their columns, as modernc's do.
type typedRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// cachedRows frees their statement for the next call when closed.
type cachedRows struct {
	typedRows
	s *cachedStmt
}

// Close closes the rows, which resets the statement.
func (r *cachedRows) Close() error {
	r.s.busy = false
	return r.typedRows.Close()
}

// untypedRows are rows that do not describe their columns (modernc's do),
// answering as database/sql does for such rows.
type untypedRows struct{ driver.Rows }

func (untypedRows) ColumnTypeDatabaseTypeName(int) string             { return "" }
func (untypedRows) ColumnTypeLength(int) (int64, bool)                { return 0, false }
func (untypedRows) ColumnTypeNullable(int) (bool, bool)               { return false, false }
func (untypedRows) ColumnTypePrecisionScale(int) (int64, int64, bool) { return 0, 0, false }
func (untypedRows) ColumnTypeScanType(int) reflect.Type               { return reflect.TypeFor[any]() }
