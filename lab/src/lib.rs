//! The lab: one command that measures every I/O model and server design of
//! the workspace side by side, on this machine, in one run.
//!
//! `cargo run --release -p lab` builds the workspace's servers, starts each
//! on a free port pinned to one CPU, drives it from a load generator pinned
//! to the other, stops it, and writes `results/<timestamp>/` (a Markdown
//! report, a CSV of every sample, SVG charts) with `results/latest` pointing
//! at it. The experiments:
//!
//! 1. echo throughput and latency of every echo server at 1 to 1000 connections;
//! 2. the same for a tokio echo server, the peer users would pick instead;
//! 3. the latency of one connection among 10 to 10000 idle ones, for select, poll and epoll;
//! 4. Figure 30.1: CPU time of every chapter 30 server design under the book's client;
//! 5. chapter 16's str_cli timings through a delaying proxy.
//!
//! Each experiment implements [`experiments::Experiment`] and is listed in
//! [`experiments::all`]; adding one is a module and a line there.
//!
//! Modules: [`loadgen`] (the generator and its protocol), [`spawn`] (child
//! processes in their own process groups, pinned), [`procfs`] (CPU and
//! memory of a process group), [`perf`] (system calls and profiles),
//! [`stats`], [`report`], [`svg`] and [`readme`] (the output),
//! [`experiments`]; the delaying proxy is the harness's
//! `unp_tests::DelayProxy`.

pub mod apt;
pub mod config;
pub mod experiments;
pub mod loadgen;
pub mod perf;
pub mod procfs;
pub mod progress;
pub mod readme;
pub mod report;
pub mod spawn;
pub mod stats;
pub mod svg;
