package contacts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"lifeline/store"
)

// An import applies all its rows or none, even across a crash, whatever its
// size. Badger cannot commit 100,000 contacts in one transaction, so an
// import runs in three steps:
//
//  1. stage: every row is written under the import's id (write batches);
//     no contact changes and nothing reads staged rows;
//  2. commit: one small transaction flips the import's marker from staging
//     to committed and writes the audit entry: this is the point after
//     which the import will happen;
//  3. apply: the staged rows are merged into the contacts in chunks, each
//     contact written in its person's scope, then the chunk's staged rows
//     deleted in the import's; a row applied again after a crash between
//     writes the same contact, so none is applied twice (see apply); then
//     the marker goes.
//
// Recover, run at start, rolls back an import that crashed before its
// commit (its staged rows are deleted) and finishes one that crashed
// after it. Only one import runs at a time: the marker says so.

// ErrImportRunning is returned while another contact import is running.
var ErrImportRunning = errors.New("another contact import is running: send this file again when it has finished")

// Import phases reported to ImportOptions.Progress.
const (
	PhaseStage = "stage" // rows staged so far
	PhaseApply = "apply" // rows applied so far
)

const (
	stageBatch = 5000 // rows per write batch while staging
	// applyBatch is the rows applied per round: settle deletes their
	// staged rows and rewrites the marker in one transaction, which on
	// JetStream holds at most 1,000 records (jsstore.MaxBatch).
	applyBatch = 900
	applyBytes = 1 << 20 // staged bytes per round while applying: well inside badger's limit
)

// ImportInfo describes an import at its commit.
type ImportInfo struct {
	ID     string    `json:"id"`
	Source string    `json:"source"`
	Rows   int       `json:"rows"`
	At     time.Time `json:"at"`
}

// ImportOptions say who imports and what else happens at the commit.
type ImportOptions struct {
	Source string    // recorded as the opt-in source of contacts opted in by this file
	Now    time.Time // the time the import is recorded at
	// Commit runs inside the transaction that commits the import: what it
	// writes (the audit entry) exists exactly when the import does.
	Commit func(w store.Writer, info ImportInfo) error
	// Progress, when set, is told the rows staged and applied so far after
	// each batch; an error from it abandons the import (before its commit,
	// nothing is applied).
	Progress func(phase string, done int) error
}

// importMarker is the one document that says an import is in progress.
type importMarker struct {
	ImportInfo
	Owner     string `json:"owner"` // the Importer running it
	Committed bool   `json:"committed,omitempty"`
	Created   int    `json:"created,omitempty"`
	Updated   int    `json:"updated,omitempty"`
}

// stagedRow is one parsed row waiting for the commit.
type stagedRow struct {
	C         store.Contact `json:"c"`
	OptInSet  bool          `json:"o,omitempty"`
	HasFields []string      `json:"f,omitempty"`
}

// ctx of the import's store operations: an import, once started, runs to
// its commit or its rollback.
func storeCtx() context.Context { return context.Background() }

// Importer runs contact imports on one store, one at a time.
type Importer struct {
	db    *store.DB
	owner string
	mu    sync.Mutex
}

// NewImporter returns the importer of db. Make one per store and process:
// an import left by another importer is refused until Recover has run.
func NewImporter(db *store.DB) *Importer {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Importer{db: db, owner: hex.EncodeToString(b[:])}
}

// Import parses the CSV and, only when every row is good, creates or
// updates the contacts: all rows or none. Columns present in the file
// overwrite; an absent column leaves what is stored. An opt-out recorded
// from WhatsApp is never undone by an import: only the person can opt back
// in. A second import while one runs gets ErrImportRunning.
func (im *Importer) Import(r io.Reader, o ImportOptions) (Result, error) {
	if !im.mu.TryLock() {
		return Result{}, ErrImportRunning
	}
	defer im.mu.Unlock()
	rows, err := parse(r)
	if err != nil {
		return Result{}, err
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	m, err := im.begin(o, len(rows))
	if err != nil {
		return Result{}, err
	}
	if err := im.stage(m.ID, rows, o.Progress); err != nil {
		return Result{}, im.rollback(m.ID, fmt.Errorf("stage contact import %s: %w", m.ID, err))
	}
	if err := im.commit(m, o.Commit); err != nil {
		return Result{}, im.rollback(m.ID, fmt.Errorf("commit contact import %s: %w", m.ID, err))
	}
	// Committed: from here on the import happens, at the latest when
	// Recover finishes it at the next start.
	done, err := apply(im.db, m.ID, o.Progress)
	if err != nil {
		return Result{}, fmt.Errorf("contact import %s is committed and will complete at the next start or import: %w", m.ID, err)
	}
	return Result{Rows: len(rows), Created: done.Created, Updated: done.Updated}, nil
}

// Import imports a CSV file with a one-off Importer; see Importer.Import.
func Import(db *store.DB, r io.Reader, source string, now time.Time) (Result, error) {
	return NewImporter(db).Import(r, ImportOptions{Source: source, Now: now})
}

// begin writes the marker of a new import, after finishing what an earlier
// import of this importer left committed. A marker of another importer
// means an import is running (or was left by a crash: Recover clears it).
func (im *Importer) begin(o ImportOptions, rows int) (*importMarker, error) {
	ctx := storeCtx()
	var left *importMarker
	if err := im.db.Read(ctx, func(r store.Reader) error {
		switch m, err := store.GetContactImport[importMarker](ctx, r); {
		case err == nil:
			left = &m
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("start contact import: %w", err)
	}
	if left != nil {
		if left.Owner != im.owner {
			return nil, ErrImportRunning
		}
		if _, err := recoverMarker(im.db, left); err != nil {
			return nil, fmt.Errorf("finish the previous contact import %s: %w", left.ID, err)
		}
	}
	seq, err := im.db.NextSeq("contactimport")
	if err != nil {
		return nil, err
	}
	m := &importMarker{ImportInfo: ImportInfo{ID: fmt.Sprintf("ci%06d", seq), Source: o.Source, Rows: rows, At: o.Now}, Owner: im.owner}
	err = im.db.Write(ctx, store.ContactImportScope(), func(w store.Writer) error {
		if ok, err := store.HasContactImport(ctx, w); err != nil || ok {
			if err == nil {
				err = ErrImportRunning
			}
			return err
		}
		return store.PutContactImport(ctx, w, m)
	})
	if err != nil {
		if errors.Is(err, ErrImportRunning) {
			return nil, err
		}
		return nil, fmt.Errorf("start contact import: %w", err)
	}
	return m, nil
}

// stage writes every row under the import's id; nothing reads them yet.
func (im *Importer) stage(id string, rows []row, progress func(string, int) error) error {
	staged := make([]stagedRow, 0, min(stageBatch, len(rows)))
	for start := 0; start < len(rows); start += stageBatch {
		part := rows[start:min(start+stageBatch, len(rows))]
		staged = staged[:0]
		for _, rw := range part {
			sr := stagedRow{C: rw.c, OptInSet: rw.optInSet}
			for k := range rw.hasFields {
				sr.HasFields = append(sr.HasFields, k)
			}
			staged = append(staged, sr)
		}
		if err := store.StageContactRows(storeCtx(), im.db, id, uint64(start), staged); err != nil {
			return err
		}
		if progress != nil {
			if err := progress(PhaseStage, start+len(part)); err != nil {
				return err
			}
		}
	}
	return nil
}

// commit flips the marker to committed, with whatever fn writes beside
// it in the import's scope (store.ContactImportScope: the audit event).
func (im *Importer) commit(m *importMarker, fn func(store.Writer, ImportInfo) error) error {
	ctx := storeCtx()
	return im.db.Write(ctx, store.ContactImportScope(), func(w store.Writer) error {
		cur, err := store.GetContactImport[importMarker](ctx, w)
		if err != nil {
			return err
		}
		if cur.ID != m.ID || cur.Committed {
			return fmt.Errorf("marker of import %s changed under it", m.ID)
		}
		cur.Committed = true
		if err := store.PutContactImport(ctx, w, cur); err != nil {
			return err
		}
		if fn != nil {
			return fn(w, cur.ImportInfo)
		}
		return nil
	})
}

// rollback removes an uncommitted import's staged rows and its marker,
// and returns cause (with the rollback's own failure, if any).
func (im *Importer) rollback(id string, cause error) error {
	if err := discard(im.db, id); err != nil {
		return fmt.Errorf("%w (and its staged rows stay until the next start: %v)", cause, err)
	}
	return fmt.Errorf("%w; nothing was imported", cause)
}

// discard deletes the staged rows of import id, then the marker.
func discard(db *store.DB, id string) error {
	ctx := storeCtx()
	for {
		n, err := store.DiscardStagedContactRows(ctx, db, id, stageBatch)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	return db.Write(ctx, store.ContactImportScope(), func(w store.Writer) error {
		switch m, err := store.GetContactImport[importMarker](ctx, w); {
		case errors.Is(err, store.ErrNotFound):
			return nil
		case err != nil:
			return err
		case m.ID != id || m.Committed:
			return nil
		}
		return store.DeleteContactImport(ctx, w)
	})
}

// apply merges the staged rows of a committed import into the contacts,
// a chunk at a time, and removes the marker when none is left.
//
// A chunk is written in two steps: each contact in its person's scope
// (store.DB.WriteEach: one write per contact, one sync for the chunk),
// then, in the import's scope, the staged rows of the contacts written
// are deleted and counted in the marker. A crash between the two leaves
// those rows staged, and the next run applies them again: a row merged
// twice writes the same contact (the import's time, the same fields; a
// consent that changes nothing is not logged again), so nothing is
// applied twice. Only the counts can tell: a contact the cut-short run
// created counts as updated by the run that completes the chunk.
func apply(db *store.DB, id string, progress func(string, int) error) (*importMarker, error) {
	ctx := storeCtx()
	for {
		m, rows, staged, err := readChunk(ctx, db, id)
		if err != nil {
			return nil, fmt.Errorf("read staged rows: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		created := make([]bool, len(rows))
		writes := contactWrites(ctx, m, rows, staged, created)
		done, applyErr := db.WriteEach(ctx, writes)
		var settled []uint64
		var wasCreated []bool
		for i, ok := range done {
			if ok {
				settled, wasCreated = append(settled, rows[i]), append(wasCreated, created[i])
			}
		}
		if len(settled) > 0 {
			// Even when another contact failed: what was written is
			// settled, so that the next run does not apply it again.
			if err := settle(db, id, settled, wasCreated, &m); err != nil {
				return nil, fmt.Errorf("apply staged rows: %w", err)
			}
		}
		if applyErr != nil {
			return nil, fmt.Errorf("apply staged rows: %w", applyErr)
		}
		if progress != nil {
			if err := progress(PhaseApply, m.Created+m.Updated); err != nil {
				return nil, err
			}
		}
	}
	var m importMarker
	err := db.Write(ctx, store.ContactImportScope(), func(w store.Writer) error {
		var err error
		if m, err = store.GetContactImport[importMarker](ctx, w); err != nil {
			return err
		}
		return store.DeleteContactImport(ctx, w)
	})
	if err != nil {
		return nil, fmt.Errorf("finish: %w", err)
	}
	return &m, nil
}

// readChunk reads the marker of import id and its next chunk of staged
// rows, by number.
func readChunk(ctx context.Context, db *store.DB, id string) (m importMarker, rows []uint64, staged map[uint64]stagedRow, err error) {
	staged = map[uint64]stagedRow{}
	err = db.Read(ctx, func(r store.Reader) error {
		var err error
		if m, err = store.GetContactImport[importMarker](ctx, r); err != nil {
			return err
		}
		// A contact is written about as big as its staged row: bound
		// the bytes too, for files with large custom fields.
		if rows, err = store.StagedContactRows(ctx, r, id, applyBatch, applyBytes); err != nil {
			return err
		}
		for _, n := range rows {
			sr, err := store.GetStagedContactRow[stagedRow](ctx, r, id, n)
			if err != nil {
				return err
			}
			staged[n] = sr
		}
		return nil
	})
	return m, rows, staged, err
}

// contactWrites are the writes that merge staged rows into their
// contacts, one in each person's scope; created[i] says whether row i
// created its contact in the try that committed.
func contactWrites(ctx context.Context, m importMarker, rows []uint64, staged map[uint64]stagedRow, created []bool) []store.ScopedWrite {
	writes := make([]store.ScopedWrite, len(rows))
	for i, n := range rows {
		sr := staged[n]
		writes[i] = store.ScopedWrite{Scope: store.UserScope(sr.C.WaID), Fn: func(w store.Writer) error {
			c, err := store.GetContact(ctx, w, sr.C.WaID)
			created[i] = errors.Is(err, store.ErrNotFound)
			switch {
			case created[i]:
				c = store.Contact{WaID: sr.C.WaID, CreatedAt: m.At}
			case err != nil:
				return err
			}
			rw := row{c: sr.C, optInSet: sr.OptInSet, hasFields: map[string]bool{}}
			for _, f := range sr.HasFields {
				rw.hasFields[f] = true
			}
			if err := merge(ctx, w, &c, rw, m.Source, m.At); err != nil {
				return err
			}
			return store.PutContact(ctx, w, c)
		}}
	}
	return writes
}

// settle deletes the staged rows of contacts written and counts them in
// the marker, in the import's scope; m becomes the marker as written.
func settle(db *store.DB, id string, rows []uint64, created []bool, m *importMarker) error {
	ctx := storeCtx()
	return db.Write(ctx, store.ContactImportScope(), func(w store.Writer) error {
		cur, err := store.GetContactImport[importMarker](ctx, w)
		if err != nil {
			return err
		}
		for i, n := range rows {
			if err := store.DeleteStagedContactRow(ctx, w, id, n); err != nil {
				return err
			}
			if created[i] {
				cur.Created++
			} else {
				cur.Updated++
			}
		}
		if err := store.PutContactImport(ctx, w, cur); err != nil {
			return err
		}
		*m = cur
		return nil
	})
}

// Recovered says what Recover found.
type Recovered struct {
	ID         string `json:"id,omitempty"` // the import that was interrupted; empty when none was
	RolledBack bool   `json:"rolled_back,omitempty"`
	Completed  bool   `json:"completed,omitempty"`
	Rows       int    `json:"rows,omitempty"`
}

// Recover deals with an import interrupted by a crash: one that had not
// committed is rolled back (nothing of it was applied), one that had is
// finished. Run it at start, before any import.
func Recover(db *store.DB) (Recovered, error) {
	ctx := storeCtx()
	var m importMarker
	err := db.Read(ctx, func(r store.Reader) error {
		var err error
		m, err = store.GetContactImport[importMarker](ctx, r)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Staged rows without a marker: a crash while the marker of a
		// rolled-back import was going; they were never committed.
		return Recovered{}, discardAll(db)
	case err != nil:
		return Recovered{}, fmt.Errorf("recover contact import: %w", err)
	}
	return recoverMarker(db, &m)
}

func recoverMarker(db *store.DB, m *importMarker) (Recovered, error) {
	rec := Recovered{ID: m.ID, Rows: m.Rows}
	if !m.Committed {
		if err := discard(db, m.ID); err != nil {
			return rec, fmt.Errorf("roll back contact import %s: %w", m.ID, err)
		}
		rec.RolledBack = true
		return rec, discardAll(db)
	}
	if _, err := apply(db, m.ID, nil); err != nil {
		return rec, fmt.Errorf("complete contact import %s: %w", m.ID, err)
	}
	rec.Completed = true
	return rec, nil
}

// discardAll removes staged rows no marker owns.
func discardAll(db *store.DB) error {
	ctx := storeCtx()
	var ids []string
	err := db.Read(ctx, func(r store.Reader) error {
		var err error
		ids, err = store.StagedContactImports(ctx, r)
		return err
	})
	if err != nil {
		return fmt.Errorf("find orphaned staged rows: %w", err)
	}
	for _, id := range ids {
		if err := discard(db, id); err != nil {
			return fmt.Errorf("remove staged rows of %s: %w", id, err)
		}
	}
	return nil
}
