#!/usr/bin/env bash
# Runs alphabet examples one at a time, with their full hyperparameters, and appends one line per
# run to $LOG_DIR/results.tsv: example, seed, repeat, exit code, wall seconds, final accuracy line.
# Usage (from the repository root, after `mvn -q -o compile`):
#   examples/run-alphabet.sh "AlphabetOneChar AlphabetStateful" "7 1 2" 3
set -u
EXAMPLES=${1:-"AlphabetOneChar AlphabetWindowFeatures AlphabetWindowTimesteps AlphabetBatch AlphabetStateful AlphabetVariableLength"}
SEEDS=${2:-7}
REPEATS=${3:-1}
LOG_DIR=${LOG_DIR:-target/example-runs}
mkdir -p "$LOG_DIR"
if [ ! -f target/classpath.txt ]; then
  mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
fi
# A private copy of the classes, so that rebuilding during a long run does not disturb it.
CLASSES="$LOG_DIR/classes"
rm -rf "$CLASSES" && cp -r target/classes "$CLASSES"
CP="$CLASSES:$(cat target/classpath.txt)"
export TF_CPP_MIN_LOG_LEVEL=2
for ex in $EXAMPLES; do
  for seed in $SEEDS; do
    for rep in $(seq 1 "$REPEATS"); do
      log="$LOG_DIR/$ex-seed$seed-run$rep.log"
      start=$(date +%s.%N)
      # Epochs: each example's default (the tutorial's); verbose 2; the seed.
      java -cp "$CP" "io.jkeras.examples.$ex" -1 2 "$seed" > "$log" 2>&1
      rc=$?
      end=$(date +%s.%N)
      printf '%s\t%s\t%s\t%s\t%.1f\t%s\n' "$ex" "$seed" "$rep" "$rc" "$(echo "$end - $start" | bc)" \
        "$(grep '^accuracy:' "$log" | tail -1)" >> "$LOG_DIR/results.tsv"
    done
  done
done
