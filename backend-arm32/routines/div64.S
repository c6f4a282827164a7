@ placeholder until the routines land
