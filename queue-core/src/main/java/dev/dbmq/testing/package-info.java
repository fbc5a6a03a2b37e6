/**
 * Helpers for your own tests of code that runs on dbmq; nothing here is needed in production.
 *
 * <p>{@link dev.dbmq.testing.RecordingListener} records what a foreman did and lets a test wait for it, every wait
 * with a timeout, so a test never sleeps. {@link dev.dbmq.testing.SettableClock}, the queue's clock in a test,
 * decides what is due when a {@link dev.dbmq.ManualForeman} (the API's, from {@code Foreman.Builder.startManual()})
 * runs tasks on the test's own thread. {@link dev.dbmq.testing.TestTaskContext} gives a handler that a test calls
 * directly the context of any attempt.
 *
 * <p>These classes depend on nothing but dbmq's API, which never depends on them: they work with any test framework,
 * and report a failed wait with an {@link AssertionError}, which every framework shows as a test failure.
 */
package dev.dbmq.testing;
