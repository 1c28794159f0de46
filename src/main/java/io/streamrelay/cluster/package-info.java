/**
 * Clustered generations and limits on Payara's data grid (Hazelcast): the shared store behind the relay's seams
 * ({@code SharedGenerations}, {@code SharedSlots}). Only this component links Hazelcast; beans.xml leaves it out
 * where Hazelcast's classes are absent (TomEE), and it stays inactive where the grid does not run.
 */
package io.streamrelay.cluster;
