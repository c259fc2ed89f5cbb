package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
)

// Contact imports (package bot/contacts owns the rules): the rows of an
// import are staged under its id, then one marker document flips it to
// committed, and the rows are applied to the contacts in chunks. The
// marker and the staged rows are the importer's types; the store owns
// their keys and encoding.

var contactImportKey = docKey(DocContactImport, "current")

// stagedRowsOf selects the staged rows of import id (<id>/<row u64>).
func stagedRowsOf(id string) Key { return docKey(DocContactStage, id+"/") }

func stagedRowKey(id string, row uint64) Key {
	return binary.BigEndian.AppendUint64(stagedRowsOf(id), row)
}

// GetContactImport loads the marker of the import in progress, or ErrNotFound.
func GetContactImport[M any](ctx context.Context, r Reader) (M, error) {
	if err := ctx.Err(); err != nil {
		var zero M
		return zero, err
	}
	m, err := getJSON[M](r, contactImportKey)
	if err != nil {
		return m, fmt.Errorf("load contact import marker: %w", err)
	}
	return m, nil
}

// HasContactImport says whether an import is in progress.
func HasContactImport(ctx context.Context, r Reader) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := r.Has(contactImportKey)
	if err != nil {
		return false, fmt.Errorf("look up contact import marker: %w", err)
	}
	return ok, nil
}

// PutContactImport writes the marker of the import in progress.
func PutContactImport(ctx context.Context, w Writer, m any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, contactImportKey, m, 0); err != nil {
		return fmt.Errorf("save contact import marker: %w", err)
	}
	return nil
}

// DeleteContactImport removes the marker: no import is in progress.
func DeleteContactImport(ctx context.Context, w Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Delete(contactImportKey); err != nil {
		return fmt.Errorf("remove contact import marker: %w", err)
	}
	return nil
}

// StageContactRows writes rows of import id, numbered from first, in one
// write batch (outside any transaction: an import stages far more than
// one transaction holds, and nothing reads the rows before the commit).
func StageContactRows[R any](ctx context.Context, db *DB, id string, first uint64, rows []R) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := db.newBatch()
	for i := range rows {
		if err := b.SetJSON(stagedRowKey(id, first+uint64(i)), rows[i]); err != nil {
			b.Cancel()
			return fmt.Errorf("stage contact row %d: %w", first+uint64(i), err)
		}
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("stage contact rows of %s: %w", id, err)
	}
	return nil
}

// StagedContactRows returns the numbers of the first staged rows of
// import id, in order: at most maxRows of them, and no more once their
// values reach maxBytes (0: no bound), so that a caller sizes its
// transactions.
func StagedContactRows(ctx context.Context, r Reader, id string, maxRows, maxBytes int) ([]uint64, error) {
	var rows []uint64
	size := 0
	err := r.Scan(stagedRowsOf(id), func(k Key, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows = append(rows, seqOf(k))
		size += len(v)
		if (maxRows > 0 && len(rows) >= maxRows) || (maxBytes > 0 && size >= maxBytes) {
			return ErrStop
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read staged contact rows of %s: %w", id, err)
	}
	return rows, nil
}

// GetStagedContactRow loads staged row n of import id, or ErrNotFound.
func GetStagedContactRow[R any](ctx context.Context, r Reader, id string, n uint64) (R, error) {
	if err := ctx.Err(); err != nil {
		var zero R
		return zero, err
	}
	row, err := getJSON[R](r, stagedRowKey(id, n))
	if err != nil {
		return row, fmt.Errorf("load staged contact row %d: %w", n, err)
	}
	return row, nil
}

// DeleteStagedContactRow removes staged row n of import id once applied.
func DeleteStagedContactRow(ctx context.Context, w Writer, id string, n uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Delete(stagedRowKey(id, n)); err != nil {
		return fmt.Errorf("remove staged contact row %d: %w", n, err)
	}
	return nil
}

// DiscardStagedContactRows deletes up to max staged rows of import id in
// one write batch and says how many it deleted; a caller repeats until
// none is left.
func DiscardStagedContactRows(ctx context.Context, db *DB, id string, max int) (int, error) {
	var keys []Key
	err := db.Read(ctx, func(r Reader) error {
		return r.Scan(stagedRowsOf(id), func(k Key, _ []byte) error {
			keys = append(keys, k)
			if max > 0 && len(keys) >= max {
				return ErrStop
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("read staged contact rows of %s: %w", id, err)
	}
	if len(keys) == 0 {
		return 0, nil
	}
	b := db.newBatch()
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			b.Cancel()
			return 0, fmt.Errorf("discard staged contact rows of %s: %w", id, err)
		}
	}
	if err := b.Flush(); err != nil {
		return 0, fmt.Errorf("discard staged contact rows of %s: %w", id, err)
	}
	return len(keys), nil
}

// StagedContactImports returns the ids of the imports that have staged
// rows, in order.
func StagedContactImports(ctx context.Context, r Reader) ([]string, error) {
	var ids []string
	prefix := docPrefix(DocContactStage)
	err := r.Scan(prefix, func(k Key, _ []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		id, _, ok := strings.Cut(string(k[len(prefix):]), "/")
		if ok && (len(ids) == 0 || ids[len(ids)-1] != id) {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find staged contact rows: %w", err)
	}
	return ids, nil
}
