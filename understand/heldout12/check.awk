# Checks every non-comment line: three tab-separated fields, a class among the
# eleven, lang equal to the file name, and a message not repeated anywhere in
# the set (compared case-insensitively). Exit status 1 on any problem.
# Sets FS itself, so it gives the same result with or without -F'\t'.
BEGIN { FS = "\t"; split("danger need_help safe human opt_out opt_in greeting thanks queue_status question other", a, " "); for (i in a) ok[a[i]] = 1 }
/^#/ || /^$/ { next }
{ f = FILENAME; sub(/^.*\//, "", f); sub(/\.tsv$/, "", f)
  if (NF != 3) { print FILENAME ":" FNR ": fields " NF; bad++ }
  if (!($1 in ok)) { print FILENAME ":" FNR ": class " $1; bad++ }
  if ($2 != f) { print FILENAME ":" FNR ": lang " $2; bad++ }
  if ($3 ~ /^[ ]*$/) { print FILENAME ":" FNR ": empty message"; bad++ }
  k = tolower($3); if (k in seen) { print FILENAME ":" FNR ": duplicate of " seen[k]; bad++ } else seen[k] = FILENAME ":" FNR
  n++ }
END { print n " messages, " bad + 0 " problems"; exit bad > 0 }
