// The lockstep subcommands. Each parses its own arguments (throwing UsageError or a
// boost::program_options error for bad ones) and returns the process exit code.
#pragma once

namespace lockstep::harness::cli {

int RunMain(int argc, char** argv);       // lockstep run
int CampaignMain(int argc, char** argv);  // lockstep campaign
int ReplayMain(int argc, char** argv);    // lockstep replay
int BugsMain(int argc, char** argv);      // lockstep bugs
int ReportMain(int argc, char** argv);    // lockstep report show|diff|merge|junit|html
int CheckModelMain(int argc, char** argv);  // lockstep check-model
int ValidateTraceMain(int argc, char** argv);  // lockstep validate-trace

}  // namespace lockstep::harness::cli
