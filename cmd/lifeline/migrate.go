package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/cluster"
	"lifeline/store"
)

const migrateUsage = `Usage:
  lifeline migrate --from badger DIR --to nats [--force]

Copies the store of a single-node server (badger, in DIR: the data
directory or its store/ directory) into the JetStream cluster that
LIFELINE_BACKEND=nats would use: LIFELINE_NATS_URL (with
LIFELINE_NATS_CREDS) to connect to a cluster, else an embedded node under
LIFELINE_DATA_DIR/nats (LIFELINE_NATS_* as for serve). The server on DIR
must be stopped, and no server may run on the cluster meanwhile.
LIFELINE_ENCRYPTION_KEY must be the key DIR is encrypted with.

Every record is copied into the scope that owns it: contacts, sessions
and transcripts, FAQ versions, agents, tokens and console sessions,
audit, handoffs, the inbox and the outbox, incidents, places,
broadcasts, their recipients and answers, consent and erasure records.
Not copied: sequences (the cluster numbers records above every number
DIR handed out) and dedupe markers of inbound messages (they name
nobody). Files people sent stay in DIR/media: keep LIFELINE_DATA_DIR
pointing there, or copy that directory.

A copy cut short is completed by running the same command again: it
resumes after the last scope it recorded as copied, and writing a scope
again adds nothing. At the end it counts the records of each kind on
both sides, prints the table and exits 1 when a count differs.

Flags:
  --from badger DIR   the source store (required)
  --to nats           the target (required; the one target there is)
  --force             copy even into a cluster that holds another
                      deployment's records, or after the source changed
                      since an earlier, cut-short copy; each scope copied
                      then replaces the target's records of that scope
`

// runMigrate runs `lifeline migrate ...`; SIGINT and SIGTERM cut it
// short, leaving what is copied recorded for the next run.
func runMigrate(args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	o, err := parseMigrate(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, migrateUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "lifeline migrate: %v\n\n%s", err, migrateUsage)
		return 2
	}
	cfg, err := loadConfig(nil, lookup)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline migrate: invalid configuration: %v\n", err)
		return 2
	}
	cfg.Backend = backendNATS
	if err := cfg.validateBackend(); err != nil {
		fmt.Fprintf(stderr, "lifeline migrate: invalid configuration: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := migrate(ctx, cfg, o, stdout, newLogger(stderr, "warn")); err != nil {
		fmt.Fprintf(stderr, "lifeline migrate: %v\n", err)
		return 1
	}
	return 0
}

// migrateOptions is what the command line says.
type migrateOptions struct {
	dir   string // the badger store's data directory
	force bool
	// afterScope is called each time one more leading scope of the plan
	// is copied, with how many are (tests cut a copy short with it).
	afterScope func(done int)
	// workers copy scopes side by side (copyWorkers when 0).
	workers int
}

var errHelp = errors.New("help")

// parseMigrate reads `--from badger DIR --to nats [--force]`, each flag
// also as -flag or --flag=value.
func parseMigrate(args []string) (migrateOptions, error) {
	var o migrateOptions
	from, to := "", ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			return o, fmt.Errorf("unexpected argument %q", a)
		}
		next := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "-") {
				return "", fmt.Errorf("--%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		var err error
		switch name {
		case "from":
			if from, err = next(); err != nil {
				return o, err
			}
			if from != backendBadger {
				return o, fmt.Errorf("--from %q: the one source is badger (--from badger DIR)", from)
			}
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "-") {
				return o, errors.New("--from badger: the data directory is missing (--from badger DIR)")
			}
			i++
			o.dir = args[i]
		case "to":
			if to, err = next(); err != nil {
				return o, err
			}
			if to != backendNATS {
				return o, fmt.Errorf("--to %q: the one target is nats (--to nats)", to)
			}
		case "force":
			if hasValue {
				return o, fmt.Errorf("--force takes no value (got %q)", value)
			}
			o.force = true
		case "h", "help":
			return o, errHelp
		default:
			return o, fmt.Errorf("unknown flag %s", a)
		}
	}
	switch {
	case from == "":
		return o, errors.New("--from badger DIR is required")
	case to == "":
		return o, errors.New("--to nats is required")
	}
	return o, nil
}

// badgerStoreDir is the store directory in dir (dir/store, or dir
// itself), refusing a directory that holds no badger store: opening one
// would create an empty store and copy nothing.
func badgerStoreDir(dir string) (string, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("--from badger %s: not a directory", dir)
	}
	for _, d := range []string{filepath.Join(dir, "store"), dir} {
		if _, err := os.Stat(filepath.Join(d, "MANIFEST")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("--from badger %s: no badger store there (no MANIFEST in it or in its store/ directory)", dir)
}

// openMigrateSource opens the badger store of dir, which the server must
// not hold: badger's directory lock says whether a process does.
func openMigrateSource(dir string, key []byte) (*store.DB, error) {
	storeDir, err := badgerStoreDir(dir)
	if err != nil {
		return nil, err
	}
	src, err := store.Open(store.Options{Dir: storeDir, EncryptionKey: key, Logger: zerolog.Nop()})
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "Cannot acquire directory lock"):
			return nil, fmt.Errorf("--from badger %s: the store is in use by another process (a running lifeline serve?): stop it, then migrate", dir)
		case strings.Contains(msg, "ncryption key"):
			return nil, fmt.Errorf("--from badger %s: %w (LIFELINE_ENCRYPTION_KEY must be the key this store is encrypted with)", dir, err)
		}
		return nil, fmt.Errorf("--from badger %s: open: %w", dir, err)
	}
	return src, nil
}

// migrationOwners tell the store whose records of the engine's and the
// broadcasts' types are.
var migrationOwners = store.Owners{
	Inbox:     bot.InboxLane,
	Recipient: broadcast.RecipientPerson,
	Event:     broadcast.EventScope,
}

// errCountsDiffer: the copy is done but a kind's count differs.
var errCountsDiffer = errors.New("counts differ between the source and the cluster")

// markerEvery is how often the progress marker is written while copying.
const markerEvery = 2 * time.Second

// migrate copies the badger store in o.dir into the cluster of cfg.
func migrate(ctx context.Context, cfg Config, o migrateOptions, stdout io.Writer, log zerolog.Logger) error {
	src, err := openMigrateSource(o.dir, cfg.EncryptionKey)
	if err != nil {
		return err
	}
	defer src.Close()
	source, err := store.DeploymentID(ctx, src, true)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	plan, err := store.PlanCopy(ctx, src, migrationOwners)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	total := 0
	for _, n := range plan.Counts {
		total += n
	}
	fmt.Fprintf(stdout, "source: %s (deployment %s): %d records in %d scopes\n", o.dir, source, total, len(plan.Scopes))

	if cfg.NATS.URL != "" {
		// The copy writes nothing on this machine's disk: the reserve is
		// the cluster's nodes' to keep, and the data directory (measured
		// otherwise) need not even exist here.
		cfg.DiskReserve = 0
	}
	dst, nc, err := openNATSStore(cfg, log)
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	defer dst.Close()
	// A server writing beside the copy would make the counts disagree,
	// and its numbers could collide with the source's.
	running, err := cluster.RunningMembers(ctx, nc.leases)
	if err != nil {
		return fmt.Errorf("target: who serves from the cluster: %w", err)
	}
	if len(running) > 0 {
		return fmt.Errorf("target: a server is running on the cluster (instances %s, seen by their heartbeats): stop it, then migrate", strings.Join(running, ", "))
	}

	start, sync, err := migrationStart(ctx, dst, source, plan, o.force, stdout)
	if err != nil {
		return err
	}
	marker := store.Migration{Source: source, Fingerprint: plan.Fingerprint, Scopes: len(plan.Scopes), Done: start, Sync: sync, StartedAt: time.Now().UTC()}
	if m, found, err := store.GetMigration(ctx, dst); err == nil && found && m.Source == source {
		marker.StartedAt = m.StartedAt
	}
	save := func(ctx context.Context, done int, complete bool) error {
		marker.Done, marker.Complete, marker.UpdatedAt = done, complete, time.Now().UTC()
		return store.PutMigration(ctx, dst, marker)
	}
	if err := save(ctx, start, false); err != nil {
		return fmt.Errorf("target: %w", err)
	}

	if err := copyScopes(ctx, src, dst, plan, start, sync, o, stdout, save); err != nil {
		// Keep what is done for the next run, whatever cut this one.
		var cut *cutShort
		if errors.As(err, &cut) {
			c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			if serr := save(c, cut.done, false); serr != nil {
				log.Warn().Err(serr).Msg("record migration progress")
			}
			cancel()
		}
		return err
	}
	if err := save(ctx, len(plan.Scopes), false); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	draws, err := store.RaiseSequences(ctx, dst, plan.MaxSequence, store.SequenceNames())
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	fmt.Fprintf(stdout, "copied %d scopes; the cluster numbers new records above %d (%d draws)\n", len(plan.Scopes), plan.MaxSequence, draws)

	if err := verifyMigration(ctx, src, dst, plan, stdout); err != nil {
		return err
	}
	if plan.Unplaced > 0 {
		return fmt.Errorf("%w: %d records left because no owner could be read from them (see the table); every other record is copied", errCountsDiffer, plan.Unplaced)
	}
	if err := save(ctx, len(plan.Scopes), true); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	fmt.Fprintln(stdout, "migration complete: start the servers with LIFELINE_BACKEND=nats")
	return nil
}

// copyWorkers copy scopes side by side: each write is a round trip to
// the stream leader, and scopes are independent.
const copyWorkers = 8

// cutShort is a copy that stopped: the first done scopes of the plan are
// copied (those after may be too; copying them again adds nothing).
type cutShort struct {
	done, of int
	err      error
}

func (c *cutShort) Error() string {
	return fmt.Sprintf("copy cut short after %d of %d scopes (run the same command again to complete it): %v", c.done, c.of, c.err)
}

func (c *cutShort) Unwrap() error { return c.err }

// copyScopes copies the plan's scopes from start on with o.workers (or
// copyWorkers) side by side, recording in the marker (save) every
// markerEvery how many leading scopes are copied.
func copyScopes(ctx context.Context, src, dst *store.DB, plan *store.CopyPlan, start int, sync bool, o migrateOptions, stdout io.Writer, save func(ctx context.Context, done int, complete bool) error) error {
	n := len(plan.Scopes)
	workers := o.workers
	if workers <= 0 {
		workers = copyWorkers
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i   int
		err error
	}
	// Every job answers, at once once the copy is cut short.
	jobs := make(chan int, n-start)
	for i := start; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	results := make(chan result)
	for range min(workers, max(n-start, 1)) {
		go func() {
			for i := range jobs {
				err := cctx.Err()
				if err == nil {
					_, err = store.CopyScope(cctx, src, dst, plan, plan.Scopes[i], sync)
				}
				results <- result{i, err}
			}
		}()
	}
	done := make([]bool, n)
	low, running, last := start, n-start, time.Now()
	var first error
	for running > 0 {
		r := <-results
		running--
		if r.err != nil {
			if first == nil {
				first = r.err
				cancel()
			}
			continue
		}
		if first != nil {
			continue
		}
		done[r.i] = true
		for low < n && done[low] {
			low++
			if o.afterScope != nil {
				o.afterScope(low)
			}
		}
		if time.Since(last) >= markerEvery {
			if err := save(ctx, low, false); err != nil {
				first = err
				cancel()
				continue
			}
			fmt.Fprintf(stdout, "copied %d of %d scopes\n", low, n)
			last = time.Now()
		}
		if cctx.Err() != nil && first == nil {
			first = cctx.Err()
		}
	}
	if first == nil {
		first = ctx.Err()
	}
	if first != nil {
		return &cutShort{done: low, of: n, err: first}
	}
	return nil
}

// migrationStart decides where a copy starts and whether each scope must
// be made equal to the source's (sync), from what the target holds:
//   - its marker names this source and the source is unchanged (the
//     plan's fingerprint): resume after the scopes recorded as copied;
//   - its marker names this source, which changed since (a server ran on
//     it in between): start over, syncing each scope, with --force;
//   - its marker or its deployment id names another source, or it holds
//     records and no marker (a server ran on it): another deployment's
//     data, refused without --force;
//   - it is empty: start.
func migrationStart(ctx context.Context, dst *store.DB, source string, plan *store.CopyPlan, force bool, stdout io.Writer) (start int, sync bool, err error) {
	m, found, err := store.GetMigration(ctx, dst)
	if err != nil {
		return 0, false, fmt.Errorf("target: %w", err)
	}
	target, err := store.DeploymentID(ctx, dst, false)
	if err != nil {
		return 0, false, fmt.Errorf("target: %w", err)
	}
	switch {
	case found && m.Source == source && m.Fingerprint == plan.Fingerprint:
		if m.Done > 0 && m.Done <= len(plan.Scopes) {
			fmt.Fprintf(stdout, "resuming: %d of %d scopes copied by an earlier run\n", m.Done, len(plan.Scopes))
			return m.Done, m.Sync, nil
		}
		return 0, m.Sync, nil
	case found && m.Source == source:
		if !force {
			return 0, false, errors.New("target: the source changed since an earlier copy into this cluster began (a server ran on it in between): " +
				"run again with --force to copy every scope again, each replacing what the cluster holds of it")
		}
		fmt.Fprintln(stdout, "the source changed since the earlier copy: copying every scope again (--force)")
		return 0, true, nil
	case found || target != "" && target != source:
		other := m.Source
		if other == "" {
			other = target
		}
		if !force {
			return 0, false, fmt.Errorf("target: the cluster holds the records of another deployment (%s, not %s): refusing to mix them; "+
				"use an empty cluster, or --force to copy over them", other, source)
		}
		fmt.Fprintf(stdout, "the cluster holds deployment %s's records: copying over them (--force)\n", other)
		return 0, true, nil
	}
	var has bool
	if err := dst.Read(ctx, func(r store.Reader) (err error) {
		has, err = store.HasRecordsBesides(ctx, r)
		return err
	}); err != nil {
		return 0, false, fmt.Errorf("target: %w", err)
	}
	if has {
		if !force {
			return 0, false, errors.New("target: the cluster already holds records that no migration wrote (a server ran on it): refusing to mix them; " +
				"use an empty cluster, or --force to copy over them")
		}
		fmt.Fprintln(stdout, "the cluster holds records of its own: copying over them (--force)")
		return 0, true, nil
	}
	return 0, false, nil
}

// verifyMigration counts the records of each kind on both sides, prints
// the table and fails when a copied kind's counts differ.
func verifyMigration(ctx context.Context, src, dst *store.DB, plan *store.CopyPlan, stdout io.Writer) error {
	var have, got map[string]int
	if err := src.Read(ctx, func(r store.Reader) (err error) {
		have, err = store.CountRecords(ctx, r)
		return err
	}); err != nil {
		return fmt.Errorf("count the source: %w", err)
	}
	if err := dst.Read(ctx, func(r store.Reader) (err error) {
		got, err = store.CountRecords(ctx, r)
		return err
	}); err != nil {
		return fmt.Errorf("count the cluster: %w", err)
	}
	kinds := map[string]bool{}
	for k := range have {
		kinds[k] = true
	}
	for k := range got {
		kinds[k] = true
	}
	sorted := make([]string, 0, len(kinds))
	for k := range kinds {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tSOURCE\tCLUSTER\t")
	var differ []string
	for _, k := range sorted {
		note := ""
		switch why, left := plan.Why[k]; {
		case left && plan.Counts[k] == 0:
			note = "not copied: " + why
		case left:
			note = fmt.Sprintf("%d not copied: %s", plan.Left[k], why)
			if have[k] != got[k]+plan.Left[k] {
				note = "DIFFERS; " + note
				differ = append(differ, k)
			}
		case have[k] != got[k]:
			note = "DIFFERS"
			differ = append(differ, k)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", k, have[k], got[k], note)
	}
	tw.Flush()
	if len(differ) > 0 {
		return fmt.Errorf("%w: %s", errCountsDiffer, strings.Join(differ, ", "))
	}
	return nil
}
