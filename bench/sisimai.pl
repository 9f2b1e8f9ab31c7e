#!/usr/bin/perl
# sisimai.pl [-n PASSES] PATH...
#
# The reference figure for bench.sh: parses every message under each PATH
# (a Maildir-style directory of message files, or a mailbox file) with
# Sisimai in this one process and prints how many messages it read, how many
# bounce records it made, and the seconds that took.
#
# The first pass includes Sisimai's lazy loading of its MTA modules (it
# requires them as messages need them), so it is what one short-lived
# process pays. With -n PASSES > 1 the set is parsed again and the fastest
# of the later, warm passes is printed too, to compare with bench_parse.
#
# Sisimai 4.x has Sisimai->make(); 5.x renamed it Sisimai->rise().
use strict;
use warnings;
use Getopt::Std;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);
use Sisimai;

my %opt = ('n' => 1);
getopts('n:', \%opt) && @ARGV && $opt{'n'} =~ /\A[1-9][0-9]*\z/
    or die "usage: sisimai.pl [-n passes] PATH...\n";
my $parse = Sisimai->can('rise') ? 'rise' : 'make';
my ($messages, $records, $first, $warm) = (0, 0);
# the hook runs once for every message Sisimai splits into header and body
my $hook = sub { $messages++; return {} };

for my $pass (1 .. $opt{'n'}) {
	my $t0 = clock_gettime(CLOCK_MONOTONIC);
	($messages, $records) = (0, 0);
	for my $path (@ARGV) {
		my $v = Sisimai->$parse($path, 'hook' => $hook);
		$records += scalar @$v if ref $v eq 'ARRAY';
	}
	my $secs = clock_gettime(CLOCK_MONOTONIC) - $t0;
	if ($pass == 1) {
		$first = $secs;
	} elsif (!defined $warm || $secs < $warm) {
		$warm = $secs;
	}
}

printf "sisimai:         %s (Sisimai->%s)\n", Sisimai->version, $parse;
printf "messages:        %d read\n", $messages;
printf "records:         %d\n", $records;
printf "seconds:         %.3f (first pass)\n", $first;
printf "warm pass:       %.3f (best of %d)\n", $warm, $opt{'n'} - 1
    if defined $warm;
