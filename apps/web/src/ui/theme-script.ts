/** Where the console keeps the chosen theme ('light' or 'dark'); absent means "follow the system". */
export const THEME_STORAGE_KEY = 'lakestream-theme';

/**
 * The inline script of the root layout's <head>: puts the `dark` class on <html> before the first paint
 * (the stored choice, else the system preference), so a dark page never flashes white. Plain JS, no imports:
 * it runs while the HTML is parsed, before React.
 */
export const THEME_SCRIPT = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});var d=t==='dark'||(t!=='light'&&window.matchMedia('(prefers-color-scheme: dark)').matches);document.documentElement.classList.toggle('dark',d)}catch(e){}})()`;
