package store

import (
	"context"
	"fmt"
)

// An erasure removes records of several owners: the person's, the
// broadcasts' recipient records that name them, and the anonymous totals
// (one document). It is split into one write per owner, and two records
// make it resumable and count it once:
//
//   - the erasure in progress (DocErasing, in the person's scope) is
//     written first and names the erasure (an id drawn once) and what
//     was removed so far; each later write of the person's records
//     updates it in the same transaction;
//   - the totals record each erasure id they added (DocErasure
//     "applied/<id>", in the totals' scope, in the same transaction), so
//     that an erasure resumed after a crash adds its counts once.
//
// The erasure's last steps delete its record in progress, then the
// applied id.

func erasingKey(waID string) Key           { return docKey(DocErasing, waID) }
func erasureAppliedKey(id string) Key      { return docKey(DocErasure, "applied/"+id) }
func erasingPrefix() Key                   { return docPrefix(DocErasing) }
func erasureLabel(waID string) string      { return "erasure of " + maskID(waID) }
func erasureAppliedLabel(id string) string { return "erasure " + id }

// GetErasing loads the erasure of waID in progress; found is false when
// none is.
func GetErasing[E any](ctx context.Context, r Reader, waID string) (e E, found bool, err error) {
	return getOptional[E](ctx, r, erasingKey(waID), erasureLabel(waID))
}

// PutErasing writes the erasure of waID in progress, in the person's scope.
func PutErasing(ctx context.Context, w Writer, waID string, e any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, erasingKey(waID), e, 0); err != nil {
		return fmt.Errorf("save %s: %w", erasureLabel(waID), err)
	}
	return nil
}

// DeleteErasing removes the erasure of waID in progress: it is complete.
func DeleteErasing(ctx context.Context, w Writer, waID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Delete(erasingKey(waID)); err != nil {
		return fmt.Errorf("remove %s: %w", erasureLabel(waID), err)
	}
	return nil
}

// EachErasing calls fn with the wa_id of every erasure in progress: what
// a crash cut short.
func EachErasing(ctx context.Context, r Reader, fn func(waID string) error) error {
	return r.Scan(erasingPrefix(), func(k Key, _ []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, _, id := parseKey(k)
		return fn(id)
	})
}

// AddErasureTotalsOnce adds the counts of erasure id to the totals unless
// they were added before, and reports whether it added them.
func AddErasureTotalsOnce(ctx context.Context, w Writer, id string, n ErasureTotals) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if id == "" {
		return false, fmt.Errorf("add erasure totals: no erasure id")
	}
	done, err := w.Has(erasureAppliedKey(id))
	if err != nil {
		return false, fmt.Errorf("look up %s: %w", erasureAppliedLabel(id), err)
	}
	if done {
		return false, nil
	}
	if err := AddErasureTotals(ctx, w, n); err != nil {
		return false, err
	}
	if err := w.Set(erasureAppliedKey(id), []byte("{}"), 0); err != nil {
		return false, fmt.Errorf("record %s in the totals: %w", erasureAppliedLabel(id), err)
	}
	return true, nil
}

// ForgetErasureApplied removes the record that erasure id was counted,
// once the erasure's own record is gone and nothing can resume it.
func ForgetErasureApplied(ctx context.Context, w Writer, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Delete(erasureAppliedKey(id)); err != nil {
		return fmt.Errorf("forget %s: %w", erasureAppliedLabel(id), err)
	}
	return nil
}
