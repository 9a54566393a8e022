/* symbols_data.h - inside symbolising (symbols*.c): what the naming of
 * data addresses keeps (symbols_data.c; lw__sym_data is in symbols.h). */
#ifndef LW_SYMBOLS_DATA_H
#define LW_SYMBOLS_DATA_H

/* Forget the array element sizes kept (lw__sym_reset; symbols lock held). */
void lw__sym_data_forget(void);

#endif
