// The agent collects inventory and reports it to a Patchpeil server. It never installs anything.
// Collection arrives with the inventory issue; until then it only tells the user so.
Console.Error.WriteLine("patchpeil-agent: inventory collection is not available yet in this build.");
return 2;
