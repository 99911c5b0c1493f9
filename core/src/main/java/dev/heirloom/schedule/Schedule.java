package dev.heirloom.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

import static com.cronutils.model.CronType.UNIX;

/**
 * When a job is due: a five-field Unix cron expression in the scheduler clock's time zone, or a
 * fixed interval since the last run. A schedule only answers "when is the first run after this
 * one"; catching up and overlap are the scheduler's business.
 */
public sealed interface Schedule {

    /**
     * The first time after {@code last} at which the job is due; empty when the schedule never
     * fires again.
     */
    Optional<Instant> nextAfter(Instant last, ZoneId zone);

    /**
     * A cron schedule such as {@code "0 2 * * *"} (02:00 every day) or {@code "30 3 * * 0"}
     * (Sundays 03:30): minute, hour, day of month, month, day of week.
     *
     * @throws IllegalArgumentException when the expression is not valid, saying why
     */
    static Schedule cron(String expression) {
        return new CronSchedule(expression);
    }

    /** Every {@code interval} after the previous run started (at least one minute). */
    static Schedule every(Duration interval) {
        return new Interval(interval);
    }

    /**
     * Reads {@code every 6h} / {@code every 30m} / {@code every 7d} as an interval and anything
     * else as a cron expression.
     */
    static Schedule parse(String text) {
        String t = text.trim();
        if (t.startsWith("every ")) {
            return every(Durations.parse(t.substring(6).trim()));
        }
        return cron(t);
    }

    /** A cron schedule; see {@link Schedule#cron(String)}. */
    record CronSchedule(String expression) implements Schedule {
        private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(UNIX));

        /** Refuses an expression that is not a valid cron expression. */
        public CronSchedule {
            Objects.requireNonNull(expression, "expression");
            executionTime(expression);
        }

        private static ExecutionTime executionTime(String expression) {
            try {
                Cron cron = PARSER.parse(expression.trim());
                return ExecutionTime.forCron(cron.validate());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a cron expression (minute hour day-of-month month day-of-week): \""
                        + expression + "\": " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<Instant> nextAfter(Instant last, ZoneId zone) {
            return executionTime(expression).nextExecution(last.atZone(zone)).map(z -> z.toInstant());
        }

        @Override
        public String toString() {
            return "cron \"" + expression + "\"";
        }
    }

    /** A fixed interval; see {@link Schedule#every(Duration)}. */
    record Interval(Duration interval) implements Schedule {
        /** Refuses an interval shorter than one minute. */
        public Interval {
            if (interval.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("an interval must be at least one minute, not " + interval);
            }
        }

        @Override
        public Optional<Instant> nextAfter(Instant last, ZoneId zone) {
            return Optional.of(last.plus(interval));
        }

        @Override
        public String toString() {
            return "every " + Durations.format(interval);
        }
    }
}
