# The check of the blind sets heldout13 and later (each set once had its own copy, check.awk).
# Checks every non-comment line: three tab-separated fields, a class among the
# eleven, a file among the nine languages with lang equal to the file name, a
# non-empty message without double quotes, lines grouped by class within a
# file, and a message not repeated anywhere in the set (compared
# case-insensitively). Then checks each file's class counts against the fixed
# mix (80 lines a file) and that all nine files were given. Exit status 1 on
# any problem.
# Sets FS itself, so it gives the same result with or without -F'\t':
#
#     awk -f check.awk *.tsv
BEGIN { FS = "\t"
  split("danger need_help safe human opt_out opt_in greeting thanks queue_status question other", a, " "); for (i in a) ok[a[i]] = 1
  split("en ar ar-latn fr es de pt hi ur", l, " "); for (i in l) lang[l[i]] = 1
  want["danger"] = 18; want["need_help"] = 12; want["safe"] = 9; want["question"] = 10; want["other"] = 9
  want["human"] = 5; want["opt_out"] = 4; want["opt_in"] = 3; want["greeting"] = 4; want["thanks"] = 3; want["queue_status"] = 3 }
/^#/ || /^$/ { next }
{ f = FILENAME; sub(/^.*\//, "", f); sub(/\.tsv$/, "", f)
  if (!(f in lang)) { print FILENAME ":" FNR ": file is not one of the nine languages"; bad++ }
  files[f] = FILENAME
  if (NF != 3) { print FILENAME ":" FNR ": fields " NF; bad++ }
  if (!($1 in ok)) { print FILENAME ":" FNR ": class " $1; bad++ }
  if ($2 != f) { print FILENAME ":" FNR ": lang " $2; bad++ }
  if ($3 ~ /^[ ]*$/) { print FILENAME ":" FNR ": empty message"; bad++ }
  if ($3 ~ /"/) { print FILENAME ":" FNR ": double quote in message"; bad++ }
  k = tolower($3); if (k in seen) { print FILENAME ":" FNR ": duplicate of " seen[k]; bad++ } else seen[k] = FILENAME ":" FNR
  if ($1 != last[f]) { if ((f, $1) in count) { print FILENAME ":" FNR ": class " $1 " not grouped"; bad++ } last[f] = $1 }
  count[f, $1]++; n++ }
END {
  for (f in files) for (c in want) if (count[f, c] + 0 != want[c]) { print files[f] ": " c " " count[f, c] + 0 ", want " want[c]; bad++ }
  nf = 0; for (f in files) nf++
  for (f in lang) if (!(f in files)) { print f ".tsv: missing"; bad++ }
  print n " messages in " nf " files, " bad + 0 " problems"; exit bad > 0 }
